"""The ``journeymap`` command line: thin, every number comes from the package.

Errors the user can fix print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from journeymap.errors import JourneymapError

app = typer.Typer(
    name="journeymap",
    help=(
        "Rebuild the journeys customers really take from touchpoint logs, with the figures "
        "behind every step.\n\nExample: journeymap mine sample_logs/online_shop.csv "
        "--goal 'Order confirmed' --out out/"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

LogArg = Annotated[
    Path, typer.Argument(help="Touchpoint log: CSV, Parquet, JSON Lines, XES or XES.gz.")
]
CaseOpt = Annotated[str | None, typer.Option(help="Customer column (guessed when omitted).")]
TouchpointOpt = Annotated[str | None, typer.Option(help="Touchpoint/activity column (guessed).")]
TimestampOpt = Annotated[str | None, typer.Option(help="Timestamp column (guessed).")]
ChannelOpt = Annotated[str | None, typer.Option(help="Channel column (guessed when named so).")]
JourneyOpt = Annotated[
    str | None, typer.Option(help="Journey id column; default: one per customer.")
]
GapOpt = Annotated[
    str | None,
    typer.Option(help="Split a customer's events into journeys after this much silence, e.g. 30d."),
]
GoalOpt = Annotated[
    list[str] | None,
    typer.Option(help="Goal touchpoint (repeat for several). Enables drop-off figures."),
]


def main() -> None:
    """Entry point of the ``journeymap`` console script."""
    app()


@app.command()
def mine(
    log: LogArg,
    out: Annotated[Path, typer.Option(help="Folder for the result files (created).")] = Path(
        "journeymap-out"
    ),
    case: CaseOpt = None,
    touchpoint: TouchpointOpt = None,
    timestamp: TimestampOpt = None,
    channel: ChannelOpt = None,
    journey: JourneyOpt = None,
    gap: GapOpt = None,
    goal: GoalOpt = None,
    horizon: Annotated[
        str | None,
        typer.Option(help="Journeys active this close to the log's end are open, e.g. 7d."),
    ] = None,
    sep: Annotated[str | None, typer.Option(help="CSV separator (detected).")] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (detected).")] = None,
    timestamp_format: Annotated[
        str | None,
        typer.Option(help="strptime format for unusual timestamps, e.g. '%d-%m-%Y %H:%M'."),
    ] = None,
    dedupe: Annotated[bool, typer.Option(help="Leave out exact duplicate rows (counted).")] = False,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            help="Most memory the engine may use, e.g. 2GB (beyond it, it spills to disk)."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Rows shown per table in the summary.")] = 10,
    target: Annotated[
        Path | None,
        typer.Option(
            help="Target journey YAML: compare the real journeys with the design and write "
            "comparison_*.csv and comparison.json (its goal is used when --goal is omitted)."
        ),
    ] = None,
) -> None:
    """Mine the real journey of LOG and write steps.csv, transitions.csv, variants.csv,
    journeys.parquet, frictions.csv and quality.json into --out."""
    import journeymap as jm

    with _fail_cleanly(), _progress() as report:
        designed = jm.TargetJourney.from_yaml(target) if target is not None else None
        if not goal and designed is not None:
            goal = list(designed.goal)
        elog = jm.read_log(
            log,
            case=case,
            touchpoint=touchpoint,
            timestamp=timestamp,
            channel=channel,
            journey=journey,
            gap=gap,
            sep=sep,
            encoding=encoding,
            dedupe=dedupe,
            timestamp_format=timestamp_format,
            memory_limit=memory_limit,
            progress=lambda m, f: report("Reading", m, f),
        )
        jmap = jm.mine(
            elog, goal=goal or None, horizon=horizon, progress=lambda m, f: report("Mining", m, f)
        )
        comparison = None
        if designed is not None:
            with _warnings_to_stderr():
                comparison = jmap.compare(designed, progress=lambda m, f: report("Comparing", m, f))
    found = comparison.all_frictions(jmap) if comparison is not None else jmap.frictions
    with _fail_cleanly():
        files = write_outputs(jmap, out, frictions=found)
        if comparison is not None:
            files += write_comparison(comparison, out)
    _print_summary(jmap, top=top)
    _print_frictions(found, top=min(top, 5))
    if comparison is not None:
        for line in comparison.summary(top=min(top, 5)):
            console.print(line, markup=False, highlight=False)
    console.print(f"[bold]Wrote[/] {', '.join(f.name for f in files)} to {out}/")


target_app = typer.Typer(
    help="Target journeys: the journey as designed, written in YAML (see docs/target.md).",
    no_args_is_help=True,
)
app.add_typer(target_app, name="target")


@target_app.command("suggest")
def target_suggest(
    log: LogArg,
    goal: GoalOpt = None,
    name: Annotated[str | None, typer.Option(help="Name of the journey.")] = None,
    stages: Annotated[
        int | None, typer.Option(help="Number of stages (default: one per three steps, max 5).")
    ] = None,
    case: CaseOpt = None,
    touchpoint: TouchpointOpt = None,
    timestamp: TimestampOpt = None,
    channel: ChannelOpt = None,
    journey: JourneyOpt = None,
    gap: GapOpt = None,
) -> None:
    """Print a starting target journey (YAML) from LOG's most common converting path.

    Example: journeymap target suggest shop.csv --goal 'Order confirmed' > shop.target.yaml
    """
    import journeymap as jm

    with _fail_cleanly(), _progress() as report:
        elog = jm.read_log(
            log,
            case=case,
            touchpoint=touchpoint,
            timestamp=timestamp,
            channel=channel,
            journey=journey,
            gap=gap,
            progress=lambda m, f: report("Reading", m, f),
        )
        jmap = jm.mine(elog, goal=goal or None, progress=lambda m, f: report("Mining", m, f))
        suggested = jm.TargetJourney.suggest(jmap, name=name, stages=stages)
    sys.stdout.write(suggested.to_yaml())


@target_app.command("check")
def target_check(
    target: Annotated[Path, typer.Argument(help="Target journey YAML file.")],
) -> None:
    """Check a target journey file; print its stages, or the line and key of the first mistake."""
    import journeymap as jm

    with _fail_cleanly():
        designed = jm.TargetJourney.from_yaml(target)
    console.print(f"{target}: {designed!r}", markup=False, highlight=False)
    for stage in designed.stages:
        steps = ", ".join(s.touchpoint + (" (optional)" if s.optional else "") for s in stage.steps)
        console.print(f"  {stage.name}: {steps}", markup=False, highlight=False)


def write_comparison(comparison: Any, out: Path) -> list[Path]:
    """Write the comparison tables and its headline figures into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    variants = comparison.variants.copy()
    variants["path"] = variants["path"].map(" → ".join)
    frictions = comparison.frictions_frame()
    frictions["steps"] = frictions["steps"].map(" → ".join)
    files = {
        "comparison_steps.csv": lambda p: comparison.steps.to_csv(p, index=False),
        "comparison_extra.csv": lambda p: comparison.extra.to_csv(p, index=False),
        "comparison_edges.csv": lambda p: comparison.edges.to_csv(p, index=False),
        "comparison_variants.csv": lambda p: variants.to_csv(p, index=False),
        "comparison_frictions.csv": lambda p: frictions.to_csv(p, index=False),
        "comparison_journeys.parquet": lambda p: comparison.journeys.to_parquet(p, index=False),
        "comparison.json": lambda p: p.write_text(
            json.dumps(comparison.as_dict(), indent=2, default=str)
        ),
    }
    paths = []
    for file_name, write in files.items():
        path = out / file_name
        write(path)
        paths.append(path)
    return paths


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Show the library's warnings as one plain line each on stderr."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if w.category.__module__.startswith("journeymap"):
            err_console.print(f"warning: {w.message}", markup=False, highlight=False)


@app.command()
def samples(
    out: Annotated[Path, typer.Option(help="Folder to write the sample logs into.")] = Path(
        "sample_logs"
    ),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same logs).")] = 0,
) -> None:
    """Generate the bundled sample logs (and their target journeys) from the seeded generator."""
    from journeymap import samples as sample_module

    with _fail_cleanly():
        written = sample_module.write_samples(out, seed=seed)
    for path in written:
        console.print(f"wrote {path}")


@app.command("app")
def run_app(
    port: Annotated[
        int | None, typer.Option(help="Port to serve on (default: Streamlit's, 8501).")
    ] = None,
    headless: Annotated[
        bool, typer.Option(help="Do not open a browser window; just serve.")
    ] = False,
) -> None:
    """Open the journeymap app in the browser, on a bundled sample and its target journey."""
    import subprocess

    from journeymap.app import ENTRY
    from journeymap.app.theme import streamlit_flags

    command = [sys.executable, "-m", "streamlit", "run", str(ENTRY)]
    command += streamlit_flags(headless=headless, port=port)
    with subprocess.Popen(command) as server:
        try:
            code = server.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches Streamlit too; let it stop cleanly
            code = server.wait()
    raise typer.Exit(code)


@app.command()
def export(
    source: Annotated[
        Path,
        typer.Argument(
            help="Touchpoint log (CSV, Parquet, JSON Lines, XES), or a folder written by "
            "'journeymap mine --out'."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Folder for the artefacts (created).")] = Path(
        "journeymap-export"
    ),
    format: Annotated[
        str,
        typer.Option("--format", help="Comma-separated artefacts: png, svg, pdf, pptx, html, dot."),
    ] = "png,svg,pdf,pptx,html",
    target: Annotated[
        Path | None,
        typer.Option(help="Target journey YAML: its stages head the map; adds target vs actual."),
    ] = None,
    goal: GoalOpt = None,
    size: Annotated[str, typer.Option(help="Map size: a3 (walls) or 16:9 (screens).")] = "a3",
    title: Annotated[str | None, typer.Option(help="Headline of the map, deck and report.")] = None,
    case: CaseOpt = None,
    touchpoint: TouchpointOpt = None,
    timestamp: TimestampOpt = None,
    channel: ChannelOpt = None,
    journey: JourneyOpt = None,
    gap: GapOpt = None,
) -> None:
    """Export the journey map (PNG/SVG/PDF), process map, slide deck and HTML report of SOURCE.

    Example: journeymap export shop.csv --goal 'Order confirmed' --format png,pptx --out ws/
    """
    import journeymap as jm
    from journeymap import render

    with _fail_cleanly(), _progress() as report:
        designed = None
        if target is not None:
            from journeymap.model.target import TargetJourney

            designed = TargetJourney.from_yaml(target)
        goals = goal or (list(designed.goal) if designed is not None and designed.goal else None)
        if source.is_dir():
            jmap = render.load_mined(source)
        else:
            elog = jm.read_log(
                source,
                case=case,
                touchpoint=touchpoint,
                timestamp=timestamp,
                channel=channel,
                journey=journey,
                gap=gap,
                progress=lambda m, f: report("Reading", m, f),
            )
            jmap = jm.mine(elog, goal=goals, progress=lambda m, f: report("Mining", m, f))
        report("Drawing", "journey map, deck and report", 0.5)
        files = render.export(
            jmap, out, formats=format.split(","), target=designed, size=size, title=title
        )
    console.print(f"[bold]Wrote[/] {', '.join(f.name for f in files)} to {out}/")


def write_outputs(jmap: Any, out: Path, *, frictions: Any = None) -> list[Path]:
    """Write the tables, the frictions (``jmap.frictions`` unless given) and the quality report
    of ``jmap`` into ``out``; return the paths."""
    from journeymap.model.friction import frictions_frame

    out.mkdir(parents=True, exist_ok=True)
    variants = jmap.variants.copy()
    variants["path"] = variants["path"].map(" → ".join)
    found = frictions_frame(jmap.frictions if frictions is None else frictions)
    found["steps"] = found["steps"].map(" → ".join)
    files = {
        "steps.csv": lambda p: jmap.steps.to_csv(p, index=False),
        "transitions.csv": lambda p: jmap.transitions.to_csv(p, index=False),
        "variants.csv": lambda p: variants.to_csv(p, index=False),
        "journeys.parquet": lambda p: jmap.journeys.to_parquet(p, index=False),
        "frictions.csv": lambda p: found.to_csv(p, index=False),
        "quality.json": lambda p: p.write_text(
            json.dumps(_quality_json(jmap), indent=2, default=str)
        ),
    }
    paths = []
    for name, write in files.items():
        path = out / name
        write(path)
        paths.append(path)
    return paths


def _quality_json(jmap: Any) -> dict[str, Any]:
    data = jmap.quality.as_dict() if jmap.quality else {}
    data["mapping"] = jmap.mapping.as_dict() if jmap.mapping else {}
    data["goal"] = list(jmap.goal)
    data["horizon_s"] = jmap.horizon_s
    data["variant_count"] = jmap.variant_count
    data["outcomes"] = jmap.outcome_counts()
    return data


@contextmanager
def _fail_cleanly() -> Iterator[None]:
    try:
        yield
    except JourneymapError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@contextmanager
def _progress() -> Iterator[Callable[[str, str, float], None]]:
    bar = Progress(
        TextColumn("[bold]{task.fields[stage]}"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def report(stage: str, message: str, fraction: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(message, total=1.0, stage=stage)
        bar.update(tasks[stage], description=message, completed=fraction)

    with bar:
        yield report


def _print_summary(jmap: Any, *, top: int) -> None:
    q = jmap.quality
    if q is not None:
        console.print("[bold]Data quality[/]")
        for line in q.lines():
            console.print("  " + line, markup=False, highlight=False)
    outcomes = jmap.outcome_counts()
    console.print(
        "[bold]Journeys[/] "
        + ", ".join(f"{k}: {v:,}" for k, v in sorted(outcomes.items()))
        + f"  (open = active within {jmap.horizon_s / 86400:.2g} days of the log's end)"
    )
    steps = Table(title=f"Top {top} steps by journeys")
    for col in (
        "step",
        "channel",
        "journeys",
        "reach",
        "visits/journey",
        "median dwell",
        "exit rate",
    ):
        steps.add_column(col, justify="left" if col in {"step", "channel"} else "right")
    for r in jmap.steps.head(top).itertuples(index=False):
        steps.add_row(
            _esc(r.step),
            _esc(r.channel),
            f"{r.journeys:,}",
            f"{r.reach:.0%}",
            f"{r.visits_per_journey:.2f}",
            _duration(r.median_dwell_s),
            _pct(r.exit_rate),
        )
    console.print(steps)
    variants = Table(title=f"Top {min(top, len(jmap.variants))} of {jmap.variant_count:,} variants")
    for col in ("#", "journeys", "share", "conversion", "median duration", "path"):
        variants.add_column(col, justify="left" if col == "path" else "right")
    for r in jmap.variants.head(top).itertuples(index=False):
        variants.add_row(
            str(r.variant),
            f"{r.journeys:,}",
            f"{r.share:.1%}",
            _pct(r.conversion_rate),
            _duration(r.median_duration_s),
            _esc(" → ".join(r.path)),
        )
    console.print(variants)


def _print_frictions(frictions: Any, *, top: int) -> None:
    """The top findings, most severe first, each with its sentence."""
    if not frictions:
        console.print("[bold]Frictions[/] none found on enough evidence")
        return
    console.print(
        f"[bold]Top {min(top, len(frictions))} of {len(frictions)} frictions[/] "
        "(severity in customer-hours; all in frictions.csv)"
    )
    for f in frictions[:top]:
        console.print(
            f"  {f.rank}. [bold]{_esc(f.kind)}[/] {_esc(f.where)}: severity {f.severity:,.0f}, "
            f"{f.journeys:,} journeys"
        )
        console.print("     " + f.explanation, markup=False, highlight=False)


def _esc(value: Any) -> str:
    from rich.markup import escape

    return "" if value is None or value != value else escape(str(value))


def _pct(value: float) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def _duration(seconds: float) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
