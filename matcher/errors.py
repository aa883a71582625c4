"""The one error hierarchy of the package.

Every error the library raises on purpose is a :class:`MatcherError`; the CLI turns
it into exit code 2 and a few message lines without a traceback, in one place
(``cli._Group``), printing :meth:`MatcherError.lines`.

Messages may quote what the user gave (a bad value, a column name, a file name). Such
text passes through :func:`escape_control` before it reaches a terminal or a log, so a
control character, or a newline inside a value, can neither move the cursor nor forge
an extra ``error:`` line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "InputError",
    "MatcherError",
    "MemoryLimitError",
    "OutputError",
    "ParameterError",
    "RowError",
    "escape_control",
]

# Control (Cc), format (Cf: bidirectional overrides, zero-width marks), surrogate (Cs) and
# line/paragraph separator (Zl, Zp) characters: everything that can reorder, hide or break
# a line of text. str.splitlines() splits on several of them, not only on "\n".
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def escape_control(text: str) -> str:
    r"""Return ``text`` with every control-like character written as an escape.

    Parameters
    ----------
    text : str
        Any text, e.g. a value quoted in an error message.

    Returns
    -------
    str
        The same text where each control, format, surrogate or line-separator
        character is replaced by ``\xNN``, ``\uNNNN`` or ``\UNNNNNNNN``; one line,
        safe to print.

    Examples
    --------
    >>> escape_control("robot\nerror: forged")
    'robot\\nerror: forged'
    """
    if text.isprintable():  # the common case: nothing to do
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            code = ord(ch)
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            if named:
                out.append(named)
            elif code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


class MatcherError(Exception):
    """Base class of every error raised on purpose by ``matcher``."""

    def lines(self) -> list[str]:
        """The message as lines safe to print, one per problem (control characters escaped)."""
        return [escape_control(str(self))]


@dataclass(frozen=True)
class RowError:
    """One problem in one input file.

    Attributes
    ----------
    file : str
        File name as the user gave it (base name only, so messages stay short).
    row : int | None
        1-based data row (the header and blank lines are not counted); ``None`` for
        file-level problems.
    row_id : str | None
        The row's id, where it has one.
    field : str | None
        The column at fault, if any.
    message : str
        What was expected and what was found. Never contains special-category values.
    line : int | None
        The 1-based line of the file where the row starts, when it is not ``row + 1``
        (blank lines or cells spanning lines before it); shown so the row can be found.
    """

    file: str
    row: int | None
    row_id: str | None
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
            extra = [f"line {self.line}"] if self.line is not None else []
            if self.row_id:
                extra.append(f"id {self.row_id}")
            if extra:
                where += f" ({', '.join(extra)})"
        elif self.line is not None:
            where += f" line {self.line}"
        text = f"{where}: {self.field} {self.message}" if self.field else f"{where}: {self.message}"
        return escape_control(text)


class InputError(MatcherError):
    """Bad input data. Carries every problem found, up to a limit.

    Parameters
    ----------
    errors : sequence of RowError
        The problems, in file order.
    truncated : bool
        True when more problems existed than were collected.
    """

    def __init__(self, errors: Sequence[RowError], truncated: bool = False) -> None:
        self.errors = tuple(errors)
        self.truncated = truncated
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem (each already escaped by :class:`RowError`)."""
        lines = [str(e) for e in self.errors]
        if self.truncated:
            lines.append("(more errors not shown)")
        return lines


class ConfigError(MatcherError):
    """A config file or config value is invalid (unknown key, bad value, bad TOML).

    Parameters
    ----------
    problems : str or sequence of str
        One message, or one per problem.
    """

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem, control characters escaped."""
        return [escape_control(p) for p in self.problems]


class MemoryLimitError(MatcherError):
    """A round would need more memory than its limit: refused before it is allocated.

    One line gives the estimate, the limit and what to change (:mod:`matcher.memory`).
    """


class OutputError(MatcherError):
    """An output cannot be written, or would overwrite an input or another output.

    Messages name the path as the user gave it, never a temporary file.
    """


class ParameterError(MatcherError, ValueError):
    """A library function was called with an invalid parameter.

    Messages follow the form "The 'x' parameter of f must be ..., got ... instead".
    """
