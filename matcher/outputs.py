"""Writing a run's outputs: all or nothing, never over an input, safe in a spreadsheet.

One mechanism for every file the package writes:

* :class:`OutputTransaction` reserves every output of a run before the run starts (a
  temporary file beside each target, so an unwritable path fails at once), lets the
  writers fill them, and renames them into place only when all have been written. If
  anything fails, no output is replaced and the temporary files are removed; if a rename
  itself fails half-way, the outputs already renamed are put back as they were.
* An output path that resolves (symlinks and hard links included) to an input, or to
  another output of the same run, is refused before anything is written.
* Errors name the path the user gave, never a temporary file.
* :func:`atomic_writer` is how writers open a file: inside a transaction it writes into
  that transaction's temporary file; outside one it is a one-file transaction.
* :func:`csv_safe` escapes cells a spreadsheet would run as a formula (OWASP's
  CSV-injection guidance); every CSV writer of the package goes through it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from matcher.errors import OutputError
from matcher.models import Record

__all__ = [
    "FORMULA_START",
    "OutputTransaction",
    "PathLike",
    "atomic_writer",
    "csv_safe",
    "format_cell",
    "safe_csv_writer",
    "write_records",
]

PathLike = str | os.PathLike[str]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-0.12", "+3", "1e-5") is read as a number, never as a formula.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
# A formula character at the start of a line of a joined column (see _column_text).
_FORMULA_AT_LINE_START = re.compile("^[" + re.escape("".join(FORMULA_START)) + "]", re.MULTILINE)
_NEEDS_QUOTES = re.compile('[",\n]')

_ACTIVE: ContextVar[OutputTransaction | None] = ContextVar("matcher_outputs", default=None)


def csv_safe(cell: Any) -> Any:
    """Escape one CSV cell against formula injection (OWASP CSV-injection guidance).

    A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
    and is not a plain number, gets a leading ``'`` so a spreadsheet shows it as text.
    Other values are returned unchanged (the csv module does the quoting).

    Examples
    --------
    >>> csv_safe("=1+2"), csv_safe("-0.5"), csv_safe("E001")
    ("'=1+2", '-0.5', 'E001')
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def _column_text(cells: list[Any]) -> list[str] | None:
    """One column's cells escaped by :func:`csv_safe` and quoted as the csv module's
    minimal quoting does (a cell with a quote, comma or newline is quoted, its quotes
    doubled); None for what is left to the csv module (a cell neither text nor an int, or
    a carriage return anywhere, whose quoting varies between Python versions).

    Whole-column checks in C first: a column of plain text is returned as it is.
    """
    try:
        joined = "\n".join(cells)
    except TypeError:  # not all text: ints are written as str() writes them
        if not all(type(c) is str or type(c) is int for c in cells):
            return None
        cells = [c if type(c) is str else str(c) for c in cells]
        joined = "\n".join(cells)
    if "\r" in joined:
        return None
    if _FORMULA_AT_LINE_START.search(joined) is not None:
        cells = [csv_safe(c) for c in cells]
    if '"' in joined or "," in joined or joined.count("\n") != len(cells) - 1:
        return [_quoted(c) if _NEEDS_QUOTES.search(c) else c for c in cells]
    return cells


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


class _SafeWriter:
    """A ``csv.writer`` whose every cell passes through :func:`csv_safe`."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._w = csv.writer(fh, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([csv_safe(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def writecolumns(self, columns: Sequence[list[Any]]) -> None:
        """Write rows given as columns of equal length: the bytes :meth:`writerows` writes
        for their rows, joined column by column where it can (:func:`_column_text`; 1.09 s
        against 1.40 s for matches.csv at 50k mentees, medians of 5), else by the csv
        module."""
        if len({len(c) for c in columns}) > 1:
            raise ValueError("columns of different lengths")
        if not columns or not columns[0]:
            return
        text = [t for t in map(_column_text, columns) if t is not None]
        if len(columns) < 2 or len(text) < len(columns):  # (a lone empty cell is quoted)
            self.writerows(zip(*columns, strict=True))
            return
        self._fh.write("\n".join(map(",".join, zip(*text, strict=True))) + "\n")


def safe_csv_writer(fh: IO[str]) -> _SafeWriter:
    """A CSV writer (LF line ends) that escapes formula-like cells; see :func:`csv_safe`."""
    return _SafeWriter(fh)


def _keys(path: PathLike) -> set[tuple[Any, ...]]:
    """Ways two paths can name one file: the resolved path, and the inode if it exists."""
    real = os.path.realpath(os.path.abspath(path))
    keys: set[tuple[Any, ...]] = {("path", os.path.normcase(real))}
    try:
        st = os.stat(real)
    except OSError:
        return keys
    keys.add(("inode", st.st_dev, st.st_ino))
    return keys


@dataclass
class _Slot:
    target: Path  # the path as given
    shown: str  # the path as the user wrote it, for messages
    tmp: Path
    written: bool = False


class OutputTransaction:
    """Every output of one run, written all or nothing.

    Parameters
    ----------
    outputs : iterable of path-like or None
        The files the run will write (``None`` entries are skipped). Each is checked and
        reserved when the transaction starts; a writer may also open a path not listed,
        which is then checked and reserved when it is opened.
    inputs : iterable of path-like or None
        The files the run reads (``None`` entries are skipped). No output may be one of
        them, by any path.

    Examples
    --------
    >>> with OutputTransaction(["out/m.csv", "out/r.json"], inputs=["mentees.csv"]):
    ...     with atomic_writer("out/m.csv") as fh:  # doctest: +SKIP
    ...         fh.write("...")

    Notes
    -----
    New files are created readable and writable by their owner only (``0600``), since
    outputs hold personal data; a file that is replaced keeps its permissions.
    """

    def __init__(
        self, outputs: Iterable[PathLike | None] = (), inputs: Iterable[PathLike | None] = ()
    ) -> None:
        self._planned = [p for p in outputs if p is not None]
        self._inputs = [(str(p), _keys(p)) for p in inputs if p is not None]
        self._slots: list[_Slot] = []
        self._taken: dict[tuple[Any, ...], _Slot] = {}
        self._made_dirs: list[Path] = []
        self._token: Token[OutputTransaction | None] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> OutputTransaction:
        try:
            for p in self._planned:
                self.reserve(p)
        except BaseException:
            self._abort()
            raise
        self._token = _ACTIVE.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None
        if exc_type is not None:
            self._abort()
            return
        self._commit()

    # -- reserving and writing ---------------------------------------------------------

    def reserve(self, path: PathLike) -> Path:
        """Check one output path and create its temporary file; return the target path.

        Raises
        ------
        OutputError
            The path is an input, another output, a folder, or cannot be created.
        """
        target = Path(path)
        shown = str(path)
        keys = _keys(target)
        for name, input_keys in self._inputs:
            if keys & input_keys:
                same = "" if name == shown else f" (the same file as {name})"
                raise OutputError(f"{shown} is an input{same}; write the output somewhere else")
        for k in keys:
            if k in self._taken:
                raise OutputError(f"{shown} is given for two outputs; give each its own path")
        if target.is_dir():
            raise OutputError(f"cannot write {shown}: it is a folder")
        try:
            self._make_parents(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
        except OSError as exc:
            raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None
        slot = _Slot(target, shown, Path(tmp))
        self._slots.append(slot)
        for k in keys:
            self._taken[k] = slot
        return target

    def _make_parents(self, folder: Path) -> None:
        missing: list[Path] = []
        p = folder
        while not p.exists():
            missing.append(p)
            if p.parent == p:
                break
            p = p.parent
        for d in reversed(missing):
            d.mkdir()
            self._made_dirs.append(d)

    def _slot(self, path: PathLike) -> _Slot:
        for k in _keys(path):
            if k in self._taken:
                return self._taken[k]
        self.reserve(path)
        return self._slots[-1]

    @contextmanager
    def open(self, path: PathLike, mode: str = "w") -> Iterator[Any]:
        """Open the temporary file of output ``path`` for writing (text: UTF-8, no newline
        translation). The file replaces ``path`` when the transaction commits."""
        slot = self._slot(path)
        slot.written = False
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        try:
            with open(slot.tmp, mode, **kwargs) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write {slot.shown}: {exc.strerror or exc}") from None
        slot.written = True

    # -- commit and abort ------------------------------------------------------------------

    def _commit(self) -> None:
        done: list[tuple[_Slot, Path | None]] = []
        try:
            for slot in self._slots:
                if not slot.written:
                    continue
                backup = self._backup(slot)
                try:
                    os.replace(slot.tmp, slot.target)
                except OSError as exc:
                    if backup is not None:
                        backup.unlink(missing_ok=True)
                    raise OutputError(f"cannot write {slot.shown}: {exc.strerror or exc}") from None
                done.append((slot, backup))
        except OutputError:
            for slot, backup in reversed(done):  # put back what was there before
                if backup is not None:
                    os.replace(backup, slot.target)
                else:
                    slot.target.unlink(missing_ok=True)
            self._abort()
            raise
        for _, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._abort()  # unwritten reservations and folders left empty

    @staticmethod
    def _backup(slot: _Slot) -> Path | None:
        """A second name for the file about to be replaced, so a failed commit can undo."""
        try:
            st = os.stat(slot.target, follow_symlinks=False)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode):
            os.chmod(slot.tmp, stat.S_IMODE(st.st_mode))
        backup = slot.tmp.with_suffix(".bak")
        try:
            os.link(slot.target, backup, follow_symlinks=False)
        except OSError:  # no hard links here (e.g. FAT): replace without an undo copy
            return None
        return backup

    def _abort(self) -> None:
        for slot in self._slots:
            slot.tmp.unlink(missing_ok=True)
        for d in reversed(self._made_dirs):
            try:
                d.rmdir()  # only if still empty
            except OSError:
                pass
        self._slots.clear()
        self._taken.clear()
        self._made_dirs.clear()


@contextmanager
def atomic_writer(path: PathLike, mode: str = "w") -> Iterator[Any]:
    """Open output ``path`` for writing; it appears only when the run's outputs all succeed.

    Inside an :class:`OutputTransaction` the file joins that transaction; outside one it
    is written to a temporary file beside ``path`` and renamed into place on success.

    Raises
    ------
    OutputError
        ``path`` cannot be written, naming ``path`` (not the temporary file).
    """
    tx = _ACTIVE.get()
    if tx is not None:
        with tx.open(path, mode) as fh:
            yield fh
        return
    with OutputTransaction([path]) as one, one.open(path, mode) as fh:
        yield fh


def format_cell(value: Any) -> str:
    """Format one value as a CSV cell of the data contract."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ";".join(format_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_records(path: PathLike, records: Iterable[Record], model: type[Record]) -> None:
    """Write records as CSV or JSON (by extension) in the data contract's format."""
    path = Path(path)
    names: Sequence[str] = list(model.model_fields)
    with atomic_writer(path) as fh:
        if path.suffix.lower() == ".json":
            rows = [r.model_dump(mode="json") for r in records]
            json.dump(rows, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
            return
        writer = safe_csv_writer(fh)
        writer.writerow(names)
        for r in records:
            writer.writerow([format_cell(getattr(r, n)) for n in names])
