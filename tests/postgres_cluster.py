"""A PostgreSQL server of a test's own, to stop and start at will.

Uses Debian's binaries (apt-get install postgresql), run as the postgres user when the
tests run as root, with its data, socket and log in a temporary folder.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.needs import missing
from tests.server import free_port

BIN_ROOT = Path("/usr/lib/postgresql")


def _bin_dir() -> Path | None:
    found = sorted(BIN_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class Cluster:
    """``initdb`` in a new temporary folder (outside pytest's, which the postgres user
    cannot enter); `start` and `stop` the server on 127.0.0.1:``port``; `remove` it all."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            message = "no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)"
            missing(message)
        folder = Path(tempfile.mkdtemp(prefix="digitpad-postgres-"))
        self.bin, self.folder, self.port = bin_dir, folder, free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(folder / "data"), "-U", "digitpad", "--auth=trust")
        self.url = f"postgresql+psycopg://digitpad@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_owner, str(self.bin / program), *args]
        subprocess.run(command, check=True, cwd=self.folder, capture_output=True)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} "
        options += f"-c unix_socket_directories={self.folder} -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "server.log")
        self._run("pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        status = [*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data")]
        if subprocess.run([*status, "status"], capture_output=True).returncode == 0:
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
