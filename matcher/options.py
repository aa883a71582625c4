"""Click options, defined once and shared by every command (pip-tools style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from matcher.models import DATE_MAX, DATE_MIN

__all__ = [
    "as_of_option",
    "caseload_options",
    "config_option",
    "decisions_option",
    "existing_option",
    "mentees_option",
    "mentors_option",
    "optional_caseload_options",
    "previous_option",
    "prisons_option",
    "result_option",
    "supervisors_option",
]

F = TypeVar("F", bound=Callable[..., Any])

_file = click.Path(dir_okay=False, path_type=str)

_MENTEES_HELP = "Mentees (referrals), .csv or .json."
_MENTORS_HELP = "Mentors, .csv or .json."
mentees_option = click.option("--mentees", required=True, type=_file, help=_MENTEES_HELP)
mentors_option = click.option("--mentors", required=True, type=_file, help=_MENTORS_HELP)
existing_option = click.option(
    "--existing", type=_file, default=None, help="Existing relationships, .csv or .json."
)
supervisors_option = click.option(
    "--supervisors", type=_file, default=None, help="Supervisors and their caps."
)
prisons_option = click.option("--prisons", type=_file, default=None, help="Prison sites.")
decisions_option = click.option(
    "--decisions",
    type=_file,
    default=None,
    help="Review of earlier proposals (accept/reject), .csv or .json.",
)
previous_option = click.option(
    "--previous",
    type=_file,
    default=None,
    help="The earlier matches.csv, to report what changed.",
)
config_option = click.option(
    "--config",
    "config_path",
    type=_file,
    default=None,
    help="TOML config (default: the built-in configs/default.toml).",
)


def _in_range(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # The same range as every date of the data contract, so planned ends stay valid dates.
    if value is not None and not DATE_MIN <= value.date() <= DATE_MAX:
        raise click.BadParameter(f"must be between {DATE_MIN} and {DATE_MAX}")
    return value


as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    callback=_in_range,
    help="Run date YYYY-MM-DD (default: today).",
)
result_option = click.option(
    "--result",
    "result_path",
    type=_file,
    default=None,
    help="result.json of a finished round (from match --json), instead of the input files.",
)


def caseload_options(func: F) -> F:
    """All input-file options of a round, in one decorator."""
    for option in reversed(
        [
            mentees_option,
            mentors_option,
            existing_option,
            supervisors_option,
            prisons_option,
        ]
    ):
        func = option(func)
    return func


def optional_caseload_options(func: F) -> F:
    """The input-file options of a round, for a command that can do without them."""
    optional = [
        click.option("--mentees", type=_file, default=None, help=_MENTEES_HELP),
        click.option("--mentors", type=_file, default=None, help=_MENTORS_HELP),
        existing_option,
        supervisors_option,
        prisons_option,
    ]
    for option in reversed(optional):
        func = option(func)
    return func
