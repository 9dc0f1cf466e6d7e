"""Writing files so that a reader never sees half of one."""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never part.

    The bytes go to a temporary file in the same folder, which then replaces ``path``;
    on any failure the temporary file is removed and ``path`` is left as it was.
    """
    write_chunks_atomic(path, (data,))


def write_chunks_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    """`write_bytes_atomic` of the ``chunks`` one after the other, holding one at a time:
    a failure while they are made (an exception from the iterable) leaves ``path`` as it was.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp_name, 0o644)  # mkstemp makes it private (0o600); a data file is not
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
