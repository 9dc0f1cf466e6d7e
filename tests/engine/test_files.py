"""Atomic file writes: a reader sees the old file or the whole new one."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.files import write_bytes_atomic, write_chunks_atomic


def test_chunks_are_written_one_after_the_other(tmp_path: Path) -> None:
    path = tmp_path / "out.ndjson"
    write_chunks_atomic(path, (line for line in [b"one\n", b"two\n", b"three\n"]))
    assert path.read_bytes() == b"one\ntwo\nthree\n"
    assert path.stat().st_mode & 0o777 == 0o644
    write_bytes_atomic(path, b"replaced")
    assert path.read_bytes() == b"replaced"


def test_a_failure_while_the_chunks_are_made_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.ndjson"
    path.write_bytes(b"old")

    def failing() -> Iterator[bytes]:
        yield b"new, half"
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        write_chunks_atomic(path, failing())
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ndjson"]  # no temporary file left
