"""Reading input files: regular files only, up to a size limit, decoded as UTF-8."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["UnreadableFile", "decode_text", "read_bytes", "read_text"]


class UnreadableFile(Exception):
    """A file that cannot be used as input; ``args[0]`` says why, ``line`` where (if known)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def read_bytes(path: Path, max_bytes: int, limit_name: str) -> bytes:
    """Read a whole regular file of at most ``max_bytes`` bytes.

    Parameters
    ----------
    path : Path
        The file.
    max_bytes : int
        The size limit.
    limit_name : str
        How the user raises the limit (named in the message), e.g. a config key.

    Raises
    ------
    UnreadableFile
        Not found, not a regular file (a folder, pipe or device), unreadable, or too big.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then refuses it.
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile("file not found") from None
    except IsADirectoryError:
        raise UnreadableFile("is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(
                "is not a regular file (a pipe, socket or device); save it as a file"
            )
        too_big = UnreadableFile(
            f"is larger than the limit of {_size(max_bytes)} ({limit_name}); "
            "split the file or raise the limit"
        )
        if st.st_size > max_bytes:
            raise too_big
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:  # it grew while being read
            raise too_big
        return data
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_text(path: Path, max_bytes: int, limit_name: str) -> str:
    """:func:`read_bytes`, decoded as UTF-8 (a BOM allowed).

    Raises
    ------
    UnreadableFile
        As :func:`read_bytes`, or the bytes are not UTF-8 (``line`` is where).
    """
    return decode_text(read_bytes(path, max_bytes, limit_name))


def decode_text(data: bytes) -> str:
    """A file's bytes decoded as UTF-8 (a BOM allowed).

    Raises
    ------
    UnreadableFile
        The bytes are not UTF-8 (``line`` is where).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"is not valid UTF-8 text (byte {exc.start}); save it as CSV UTF-8", line
        ) from None


def _size(n: int) -> str:
    mib = n / 2**20
    return f"{mib:g} MiB" if mib >= 1 else f"{n} bytes"
