"""The one error hierarchy of the package.

Every error the library raises on purpose is a :class:`MatcherError`; the CLI turns
it into exit code 2 and a message without a traceback, in one place (``cli.main``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "InputError",
    "MatcherError",
    "ParameterError",
    "RowError",
]


class MatcherError(Exception):
    """Base class of every error raised on purpose by ``matcher``."""


@dataclass(frozen=True)
class RowError:
    """One problem in one input file.

    Attributes
    ----------
    file : str
        File name as the user gave it (base name only, so messages stay short).
    row : int | None
        1-based data row (the header is not counted); ``None`` for file-level problems.
    row_id : str | None
        The row's id, where it has one.
    field : str | None
        The column at fault, if any.
    message : str
        What was expected and what was found. Never contains special-category values.
    """

    file: str
    row: int | None
    row_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
            if self.row_id:
                where += f" (id {self.row_id})"
        if self.field:
            return f"{where}: {self.field} {self.message}"
        return f"{where}: {self.message}"


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
        lines = [str(e) for e in self.errors]
        if truncated:
            lines.append("(more errors not shown)")
        super().__init__("\n".join(lines))


class ConfigError(MatcherError):
    """A config file or config value is invalid (unknown key, bad value, bad TOML)."""


class ParameterError(MatcherError, ValueError):
    """A library function was called with an invalid parameter.

    Messages follow the form "The 'x' parameter of f must be ..., got ... instead".
    """
