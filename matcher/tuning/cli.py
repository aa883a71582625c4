"""The tuning commands: ``matcher compare`` and ``matcher sweep`` (thin over the library)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from matcher.config import load_config
from matcher.errors import ParameterError
from matcher.io import load_caseload
from matcher.options import (
    as_of_option,
    caseload_options,
)
from matcher.outputs import OutputTransaction
from matcher.round import (
    match,
)
from matcher.tuning import (
    compare,
    load_grid,
    sweep,
    write_changes_csv,
    write_compare_html,
    write_compare_json,
    write_sweep_csv,
    write_sweep_html,
)

__all__ = ["add_tuning_commands"]


def add_tuning_commands(group: click.Group) -> None:
    """Register ``compare`` and ``sweep`` on the command line's group."""

    @group.command("compare")
    @caseload_options
    @click.option(
        "--config",
        "configs",
        required=True,
        multiple=True,
        type=click.Path(dir_okay=False, path_type=str),
        help="TOML config: give it twice, A then B.",
    )
    @as_of_option
    @click.option(
        "--out", required=True, type=click.Path(dir_okay=False), help="changes.csv to write."
    )
    @click.option(
        "--json", "json_path", type=click.Path(dir_okay=False), help="compare.json to write."
    )
    @click.option("--report", type=click.Path(dir_okay=False), help="compare.html to write.")
    def compare_command(
        mentees: str,
        mentors: str,
        existing: str | None,
        supervisors: str | None,
        prisons: str | None,
        configs: tuple[str, ...],
        as_of: Any,
        out: str,
        json_path: str | None,
        report: str | None,
    ) -> None:
        """Run a round with config A and with config B; list every mentee whose outcome differs."""
        if len(configs) != 2:
            raise ParameterError(f"compare takes --config twice (A, then B), got {len(configs)}")
        inputs = (mentees, mentors, existing, supervisors, prisons, *configs)
        with OutputTransaction([out, json_path, report], inputs=inputs):
            config_a, config_b = (load_config(path) for path in configs)
            day = (as_of.date() if as_of else None) or date.today()
            c = load_caseload(
                mentees, mentors, existing, supervisors, prisons, config=config_a,
                other_configs=(config_b,),
            )  # fmt: skip
            a, b = (
                match(c.mentees, c.mentors, cfg, existing=c.existing, supervisors=c.supervisors,
                      prisons=c.prisons, as_of=day)
                for cfg in (config_a, config_b)
            )  # fmt: skip
            result = compare(a, b, mentees=c.mentees, mentors=c.mentors)
            write_changes_csv(out, result)
            if json_path:
                write_compare_json(json_path, result)
            if report:
                labels = (Path(configs[0]).stem, Path(configs[1]).stem)
                if labels[0] == labels[1]:
                    labels = ("A", "B")
                write_compare_html(report, result, labels=labels, as_of=day)
        click.echo(
            f"{len(result.changes)} of {len(a.rows)} mentees change; match rate "
            f"{_rate(result.a.match_rate)} -> {_rate(result.b.match_rate)}"
        )

    def _rate(x: float | None) -> str:
        return "-" if x is None else f"{x:.1%}"

    @group.command("sweep")
    @caseload_options
    @click.option(
        "--grid",
        "grid_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=str),
        help="grid.toml: a base config and [vary] lists of values per key.",
    )
    @as_of_option
    @click.option(
        "--out", required=True, type=click.Path(dir_okay=False), help="sweep.csv to write."
    )
    @click.option("--report", type=click.Path(dir_okay=False), help="sweep.html to write.")
    @click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="Local worker processes (default: the CPUs available).",
    )
    @click.option(
        "--scheduler",
        default=None,
        help="A Dask distributed scheduler, tcp://HOST:PORT, to run the rounds on instead.",
    )
    def sweep_command(
        mentees: str,
        mentors: str,
        existing: str | None,
        supervisors: str | None,
        prisons: str | None,
        grid_path: str,
        as_of: Any,
        out: str,
        report: str | None,
        workers: int | None,
        scheduler: str | None,
    ) -> None:
        """Run every config of a grid: one row of figures per config."""
        inputs = (mentees, mentors, existing, supervisors, prisons, grid_path)
        with OutputTransaction([out, report], inputs=inputs):
            grid = load_grid(grid_path)
            c = load_caseload(
                mentees, mentors, existing, supervisors, prisons, config=grid.base,
                other_configs=grid.configs,
            )  # fmt: skip
            day = (as_of.date() if as_of else None) or date.today()
            result = sweep(c, grid, as_of=day, workers=workers, scheduler=scheduler)
            write_sweep_csv(out, result)
            if report:
                write_sweep_html(report, result, as_of=day)
        click.echo(f"{len(result.rows)} configs -> {out}")
