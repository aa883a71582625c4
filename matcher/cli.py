"""The ``matcher`` command line: thin commands over library functions.

Every :class:`~matcher.errors.MatcherError` becomes exit code 2 with its message
lines (one per problem) and no traceback, in one place: :class:`_Group`.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from matcher.config import load_config
from matcher.errors import MatcherError
from matcher.io import load_caseload
from matcher.options import caseload_options, config_option

__all__ = ["main"]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MatcherError as exc:
            for line in str(exc).splitlines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(2)


class _WarningHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matcher")
def main() -> None:
    """Provably optimal mentor-mentee matching for prison and probation mentoring."""
    log = logging.getLogger("matcher")
    if not any(isinstance(h, _WarningHandler) for h in log.handlers):
        log.addHandler(_WarningHandler(logging.WARNING))
        log.propagate = False


@main.command()
@caseload_options
@config_option
def validate(
    mentees: str,
    mentors: str,
    existing: str | None,
    supervisors: str | None,
    prisons: str | None,
    config_path: str | None,
) -> None:
    """Check input files; every error names file, row and field."""
    config = load_config(config_path)
    caseload = load_caseload(
        mentees, mentors, existing, supervisors, prisons,
        allow_unknown_columns=config.rules.allow_unknown_columns,
    )  # fmt: skip
    counts = ", ".join(f"{n} {kind}" for kind, n in caseload.counts().items())
    click.echo(f"valid: {counts}")
