"""The ``matcher`` command line: thin commands over library functions.

Every :class:`~matcher.errors.MatcherError` becomes exit code 2 with its message
lines (one per problem, control characters escaped) and no traceback, in one place:
:class:`_Group`. Commands that write files do so inside one
:class:`~matcher.outputs.OutputTransaction`: all outputs or none, never over an input.
"""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from matcher._gc import one_shot_process
from matcher.candidates import find_candidates, write_candidates
from matcher.config import load_config
from matcher.demo import demo_files, run_demo
from matcher.errors import MatcherError, ParameterError, escape_control
from matcher.io import load_caseload
from matcher.options import (
    as_of_option,
    caseload_options,
    config_option,
    decisions_option,
    existing_option,
    mentees_option,
    mentors_option,
    optional_caseload_options,
    previous_option,
    prisons_option,
    result_option,
    supervisors_option,
)
from matcher.outputs import OutputTransaction
from matcher.progress import show_progress, stage
from matcher.report import explain_mentee, format_shortlist, write_report
from matcher.round import (
    MatchResult,
    load_result,
    match_files,
    write_matches_csv,
    write_result_json,
)
from matcher.round.commit import commit_files
from matcher.round.review import review_lines
from matcher.service.cli import add_service_commands
from matcher.shortlist import shortlist
from matcher.synth import generate as generate_caseload
from matcher.tuning.cli import add_tuning_commands

__all__ = ["main"]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MatcherError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(2)
        except OSError as exc:
            # Outputs and inputs report their own errors; this is the last resort.
            where = escape_control(str(exc.filename or "a file"))
            click.echo(f"error: cannot use {where}: {exc.strerror or exc}", err=True)
            ctx.exit(2)


class _WarningHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = escape_control(record.getMessage())
        click.echo(f"{record.levelname.lower()}: {text}", err=True)


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
@decisions_option
@config_option
@as_of_option
def validate(
    mentees: str,
    mentors: str,
    existing: str | None,
    supervisors: str | None,
    prisons: str | None,
    decisions: str | None,
    config_path: str | None,
    as_of: Any,
) -> None:
    """Check input files; every error names file, row and field."""
    config = load_config(config_path)
    caseload = load_caseload(
        mentees, mentors, existing, supervisors, prisons, decisions=decisions,
        as_of=_day(as_of), config=config,
    )  # fmt: skip
    counts = ", ".join(f"{n} {kind}" for kind, n in caseload.counts().items())
    click.echo(f"valid: {counts}")


def _progress(quiet: bool) -> None:
    """Each stage's time on stderr, only for a person at a terminal (never when piped)."""
    err = sys.stderr
    if not quiet and hasattr(err, "isatty") and err.isatty():
        show_progress(err)


def _day(as_of: Any) -> date | None:
    return as_of.date() if as_of else None


def _echo_warnings(result: MatchResult) -> None:
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)


def _summary_line(result: MatchResult) -> str:
    c = result.summary.counts
    rate = result.summary.match_rate
    mean = result.summary.mean_score
    s = result.solver
    accepted = f"{c.accepted} accepted in review" if result.review is not None else ""
    within = "; ".join(p for p in (f"{rate:.1%}" if rate is not None else "", accepted) if p)
    text = (
        f"matched {c.matched} of {c.to_match} mentees"
        + (f" ({within})" if within else "")
        + (f", mean score {mean:.3f}" if mean is not None else "")
        + f"; {c.existing} existing kept; solver {s.status}"
    )
    if s.status != "optimal":
        text += f" (gap {s.gap:.2%})"
    if s.pruned:
        text += " over each mentee's best candidates only (pruned)"
    return text


@main.command("match")
@caseload_options
@decisions_option
@previous_option
@config_option
@as_of_option
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="matches.csv to write.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="result.json to write.")
@click.option("--report", type=click.Path(dir_okay=False), help="report.html to write.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (shown on a terminal).")
def match_command(
    mentees: str,
    mentors: str,
    existing: str | None,
    supervisors: str | None,
    prisons: str | None,
    decisions: str | None,
    previous: str | None,
    config_path: str | None,
    as_of: Any,
    out: str,
    json_path: str | None,
    report: str | None,
    quiet: bool,
) -> None:
    """Find the optimal assignment and explain every outcome."""
    _progress(quiet)
    inputs = (mentees, mentors, existing, supervisors, prisons, config_path, decisions, previous)
    # One round, then the process ends (see matcher._gc).
    with one_shot_process(), OutputTransaction([out, json_path, report], inputs=inputs):
        result = match_files(
            mentees, mentors, existing, supervisors, prisons, config_path, _day(as_of),
            decisions=decisions, previous=previous,
        )  # fmt: skip
        with stage("writing outputs"):
            write_matches_csv(out, result)
            if json_path:
                write_result_json(json_path, result)
            if report:
                write_report(report, result)
    _echo_warnings(result)
    click.echo(_summary_line(result))
    if result.review is not None:
        for line in review_lines(result.review):
            click.echo(line)


@main.command()
@mentees_option
@mentors_option
@prisons_option
@config_option
@as_of_option
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="pairs.csv to write.")
def candidates(
    mentees: str, mentors: str, prisons: str | None, config_path: str | None, as_of: Any, out: str
) -> None:
    """Write every feasible pair with its score and criterion scores."""
    with OutputTransaction([out], inputs=(mentees, mentors, prisons, config_path)):
        config = load_config(config_path)
        c = load_caseload(mentees, mentors, prisons=prisons, config=config)
        cands = find_candidates(c.mentees, c.mentors, config, as_of=_day(as_of) or date.today())
        write_candidates(out, cands, c.mentees, c.mentors)
    click.echo(f"{len(cands)} feasible pairs for {len(c.mentees)} mentees -> {out}")


@main.command("shortlist")
@click.option("--mentee", "mentee_id", required=True, help="Id of the referral.")
@mentees_option
@mentors_option
@existing_option
@supervisors_option
@config_option
@as_of_option
@click.option(
    "-k",
    default=5,
    show_default=True,
    type=click.IntRange(min=1, max=1000),
    help="How many mentors.",
)
def shortlist_command(
    mentee_id: str,
    mentees: str,
    mentors: str,
    existing: str | None,
    supervisors: str | None,
    config_path: str | None,
    as_of: Any,
    k: int,
) -> None:
    """Rank the best mentors with room for one referral."""
    config = load_config(config_path)
    c = load_caseload(mentees, mentors, existing, supervisors, config=config)
    mentee = next((m for m in c.mentees if m.id == mentee_id), None)
    if mentee is None:
        raise ParameterError(f"mentee {mentee_id} is not in {Path(mentees).name}")
    result = shortlist(
        mentee,
        c.mentors,
        config,
        k=k,
        existing=c.existing,
        as_of=_day(as_of),
        supervisors=c.supervisors,
    )
    click.echo(format_shortlist(result), nl=False)


@main.command("explain")
@click.option("--mentee", "mentee_id", required=True, help="Id of the mentee to explain.")
@result_option
@optional_caseload_options
@decisions_option
@config_option
@as_of_option
@click.option(
    "-k",
    default=5,
    show_default=True,
    type=click.IntRange(min=1, max=1000),
    help="How many candidates to compare.",
)
def explain_command(
    mentee_id: str,
    result_path: str | None,
    mentees: str | None,
    mentors: str | None,
    existing: str | None,
    supervisors: str | None,
    prisons: str | None,
    decisions: str | None,
    config_path: str | None,
    as_of: Any,
    k: int,
) -> None:
    """Why this mentor, and how the next best candidates compare.

    Give either --result (a saved round: no input files, no solver run) or the round's
    input files (the round is run again).
    """
    if result_path is not None:
        given = {
            "--mentees": mentees,
            "--mentors": mentors,
            "--existing": existing,
            "--supervisors": supervisors,
            "--prisons": prisons,
            "--decisions": decisions,
            "--config": config_path,
            "--as-of": as_of,
        }
        extra = [name for name, value in given.items() if value is not None]
        if extra:
            raise click.UsageError(f"--result reads a finished round; drop {', '.join(extra)}")
        result, source = load_result(result_path), Path(result_path).name
    else:
        if mentees is None or mentors is None:
            files = (("--mentees", mentees), ("--mentors", mentors))
            missing = " and ".join(name for name, value in files if value is None)
            raise click.UsageError(f"give --result, or {missing}")
        result = match_files(
            mentees,
            mentors,
            existing,
            supervisors,
            prisons,
            config_path,
            _day(as_of),
            explain_top=k,
            decisions=decisions,
        )
        source = Path(mentees).name
    if mentee_id not in {r.mentee_id for r in result.rows}:
        raise ParameterError(f"mentee {mentee_id} is not in {source}")
    click.echo(explain_mentee(result, mentee_id, k=k), nl=False)


@main.command("commit")
@click.option(
    "--existing",
    type=click.Path(dir_okay=False),
    default=None,
    help="This round's existing relationships (none on a first round).",
)
@click.option(
    "--matches", required=True, type=click.Path(dir_okay=False), help="The round's matches.csv."
)
@click.option(
    "--decisions",
    required=True,
    type=click.Path(dir_okay=False),
    help="The decisions the round was reviewed with.",
)
@as_of_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Next round's existing relationships to write.",
)
def commit_command(
    existing: str | None, matches: str, decisions: str, as_of: Any, out: str
) -> None:
    """Write the next round's running relationships (accepted pairs in, ended ones out)."""
    with OutputTransaction([out], inputs=(existing, matches, decisions)):
        result = commit_files(existing, matches, decisions, out, _day(as_of))
    due = result.past_planned_end
    ended = len(result.endings) - len(due)
    click.echo(
        f"{len(result.relationships)} running relationships for the next round "
        f"({result.kept} kept, {len(result.added)} accepted added); {ended} ended, "
        f"{len(due)} past their planned end -> {out}"
    )
    if due:
        ids = ", ".join(e.mentee_id for e in due[:10]) + (" ..." if len(due) > 10 else "")
        click.echo(f"bring to a definitive end (mentees {ids})")


@main.command()
@click.option(
    "--mentees",
    "n_mentees",
    required=True,
    type=click.IntRange(min=0, max=10_000_000),
    help="How many mentees.",
)
@click.option(
    "--mentors",
    "n_mentors",
    required=True,
    type=click.IntRange(min=0, max=10_000_000),
    help="How many mentors.",
)
@click.option("--seed", required=True, type=int, help="Random seed (same seed, same files).")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write.")
def generate(n_mentees: int, n_mentors: int, seed: int, out: str) -> None:
    """Write a realistic synthetic caseload (all five files)."""
    files = generate_caseload(n_mentees, n_mentors, seed, Path(out))
    click.echo(f"wrote {', '.join(sorted(p.name for p in files.values()))} to {out}")


@main.command()
@click.option(
    "--out",
    default="matcher-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the outputs.",
)
def demo(out: str) -> None:
    """Run the whole round on the bundled caseload, with its report."""
    # One round, then the process ends (see matcher._gc).
    with one_shot_process(), OutputTransaction(inputs=demo_files().values()):
        result, written = run_demo(out)
    click.echo(_summary_line(result))
    for kind, path in written.items():
        click.echo(f"{kind:>8}: {path}")


add_tuning_commands(main)
# The service's commands; the service extra is imported only when one runs.
add_service_commands(main)

if __name__ == "__main__":  # python -m matcher.cli
    main()
