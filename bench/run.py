"""Benchmark journeymap against pm4py on synthetic touchpoint logs, side by side in one run.

For every log size, each pipeline runs in its own fresh Python subprocess, so that the peak
resident memory (the child's own ``ru_maxrss``) belongs to that pipeline alone. Inside the child
the import time and the work time are measured separately; the headline is the work time.

- pm4py: ``pd.read_parquet`` -> ``format_dataframe`` -> ``discover_dfg`` ->
  ``discover_performance_dfg`` -> ``get_variants`` -> ``get_all_case_durations``.
- journeymap: ``jm.read_log`` -> ``jm.mine`` -> touch ``steps``, ``transitions``, ``variants``,
  ``journeys``.

The run also checks that both count the same directly-follows transitions and the same number of
distinct variants, and writes the table to ``bench/results.md``.

Usage::

    python bench/make_log.py --events 1000000 --out bench/data/events_1m.parquet --seed 0
    python bench/make_log.py --events 10000000 --out bench/data/events_10m.parquet --seed 0
    python bench/run.py                      # both sizes; missing logs are generated first
    python bench/run.py --sizes 1m --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
SIZES: dict[str, int] = {"1m": 1_000_000, "10m": 10_000_000}
TOOLS = ("pm4py", "journeymap", "journeymap-capped")
CAP = "1.5GB"  # the memory_limit of the journeymap-capped runs
MB = 1_000_000  # memory is reported in MB = 10^6 bytes

# Targets from the issue.
TARGET_SPEEDUP_10M = 8.0
TARGET_PEAK_MB_10M = 2500.0
TARGET_WORK_S_1M = 1.5


# --------------------------------------------------------------------------------------------
# Child side: one pipeline, one process.
# --------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib * 1024 / MB


class _Clock:
    """Named laps of ``time.perf_counter``."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def child_pm4py(path: Path) -> dict[str, Any]:
    """Run pm4py's equivalent pipeline on ``path`` and report timings and counts."""
    t0 = time.perf_counter()
    import pandas as pd
    import pm4py

    import_s = time.perf_counter() - t0
    clock = _Clock()
    df = pd.read_parquet(path)
    clock.lap("read_parquet")
    df = pm4py.format_dataframe(
        df, case_id="journey_id", activity_key="touchpoint", timestamp_key="timestamp"
    )
    clock.lap("format_dataframe")
    dfg, _start, _end = pm4py.discover_dfg(df)
    clock.lap("discover_dfg")
    perf_dfg, _start, _end = pm4py.discover_performance_dfg(df)
    clock.lap("discover_performance_dfg")
    variants = pm4py.get_variants(df)
    clock.lap("get_variants")
    durations = pm4py.get_all_case_durations(df)
    clock.lap("get_all_case_durations")
    return {
        "import_s": import_s,
        "work_s": sum(clock.laps.values()),
        "phases": clock.laps,
        "peak_mb": _peak_rss_mb(),
        "checks": {
            "events": len(df),
            "journeys": len(durations),
            "transitions": int(sum(dfg.values())),
            "transition_pairs": len(dfg),
            "variants": len(variants),
        },
        "versions": {"pm4py": pm4py.__version__, "pandas": pd.__version__},
        "perf_pairs": len(perf_dfg),
    }


def child_journeymap(path: Path, memory_limit: str | None = None) -> dict[str, Any]:
    """Run journeymap's ``read_log`` + ``mine`` on ``path`` and report timings and counts."""
    t0 = time.perf_counter()
    try:
        import journeymap as jm

        read_log, mine = jm.read_log, jm.mine
    except (ImportError, AttributeError) as exc:
        return {"status": "unavailable", "error": f"journeymap not importable: {exc}"}
    import_s = time.perf_counter() - t0

    clock = _Clock()
    log = read_log(
        path,
        journey="journey_id",
        case="customer_id",
        touchpoint="touchpoint",
        timestamp="timestamp",
        channel="channel",
        memory_limit=memory_limit,
    )
    clock.lap("read_log")
    jmap = mine(log)
    clock.lap("mine")
    sizes = {
        name: len(getattr(jmap, name)) for name in ("steps", "transitions", "variants", "journeys")
    }
    clock.lap("frames")

    transitions = jmap.transitions
    variant_count = getattr(jmap, "variant_count", None)
    versions = {"journeymap": str(getattr(jm, "__version__", "?"))}
    try:
        import duckdb

        versions["duckdb"] = duckdb.__version__
    except ImportError:  # pragma: no cover - duckdb is a journeymap dependency
        pass
    return {
        "import_s": import_s,
        "work_s": sum(clock.laps.values()),
        "phases": clock.laps,
        "peak_mb": _peak_rss_mb(),
        "checks": {
            "events": _maybe_int(len(log)),
            "journeys": sizes["journeys"],
            "transitions": int(transitions["count"].sum()),
            "transition_pairs": len(transitions),
            "variants": int(variant_count) if variant_count is not None else sizes["variants"],
        },
        "variant_rows": sizes["variants"],
        "versions": versions,
    }


def _maybe_int(value: Any) -> int | None:
    """``int(value)`` when it is a number, else None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


CHILDREN: dict[str, Callable[[Path], dict[str, Any]]] = {
    "pm4py": child_pm4py,
    "journeymap": child_journeymap,
    # the same with the engine's memory capped: DuckDB spills beyond it
    "journeymap-capped": lambda path: child_journeymap(path, memory_limit=CAP),
}


def run_child(tool: str, path: Path, result: Path) -> None:
    """Child entry point: run one pipeline and write its report as JSON to ``result``."""
    report = CHILDREN[tool](path)
    report.setdefault("status", "ok")
    result.write_text(json.dumps(report))


# --------------------------------------------------------------------------------------------
# Parent side: orchestrate, aggregate, report.
# --------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """All runs of one tool on one log size."""

    size: str
    tool: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.runs)

    def phase_medians(self) -> dict[str, float]:
        names = self.runs[0]["phases"].keys()
        return {n: statistics.median(r["phases"][n] for r in self.runs) for n in names}

    @property
    def peak_mb(self) -> float:
        return max(r["peak_mb"] for r in self.runs)

    @property
    def checks(self) -> dict[str, Any]:
        return self.runs[0]["checks"]


def spawn(tool: str, path: Path, timeout: float) -> tuple[dict[str, Any] | None, str | None]:
    """Run one pipeline in a fresh interpreter; return (report, error)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", tool]
        cmd += ["--path", str(path), "--result", str(result)]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:.0f} s"
        process_s = time.perf_counter() - t0
        if proc.returncode != 0 or not result.exists():
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            return None, f"exit code {proc.returncode}: {lines[-1] if lines else 'no output'}"
        report = json.loads(result.read_text())
    if report.get("status") != "ok":
        return None, report.get("error", "failed")
    report["process_s"] = process_s
    return report, None


def ensure_log(size: str) -> Path:
    """Path of the log for ``size``; generate it with ``make_log.py`` (seed 0) if missing."""
    path = DATA / f"events_{size}.parquet"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        cmd = [sys.executable, str(BENCH / "make_log.py"), "--events", str(SIZES[size])]
        subprocess.run([*cmd, "--out", str(path), "--seed", "0"], check=True)
    with path.open("rb") as f:  # warm the page cache, so neither tool pays for a cold read
        while f.read(1 << 24):
            pass
    return path


def measure(sizes: list[str], tools: list[str], repeat: int, timeout: float) -> list[Measurement]:
    """Run every (size, tool) ``repeat`` times, interleaving the tools."""
    out: list[Measurement] = []
    for size in sizes:
        path = ensure_log(size)
        ms = {tool: Measurement(size, tool) for tool in tools}
        for i in range(repeat):
            for tool in tools:
                m = ms[tool]
                if m.error:
                    continue
                print(f"[{size}] {tool} run {i + 1}/{repeat} ...", end=" ", flush=True)
                report, error = spawn(tool, path, timeout)
                if report is None:
                    m.error = error
                    print(error, flush=True)
                else:
                    m.runs.append(report)
                    print(
                        f"work {report['work_s']:.2f} s, peak {report['peak_mb']:,.0f} MB",
                        flush=True,
                    )
        out.extend(ms.values())
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def summary_rows(ms: list[Measurement]) -> list[list[str]]:
    """Rows of the headline table: ratios are pm4py / journeymap on the same size."""
    rows = []
    by_key = {(m.size, m.tool): m for m in ms}
    for m in ms:
        ref = by_key.get((m.size, "pm4py"))
        speedup = mem = None
        if m.ok and ref is not None and ref.ok and m.tool != "pm4py":
            speedup = ref.median("work_s") / m.median("work_s")
            mem = ref.peak_mb / m.peak_mb
        if not m.ok:
            note = (m.error or "no runs").replace("|", "/")
            if len(note) > 160:
                note = note[:159] + "…"
            rows.append([m.size, m.tool, "—", "—", "—", "—", "—", "—", note])
            continue
        rows.append(
            [
                m.size,
                m.tool,
                f"{m.median('import_s'):.2f}",
                f"{m.median('work_s'):.2f}",
                _spread(m),
                f"{m.peak_mb:,.0f}",
                _fmt(speedup, ".1f") + ("×" if speedup else ""),
                _fmt(mem, ".1f") + ("×" if mem else ""),
                "",
            ]
        )
    return rows


HEADERS = [
    "size",
    "tool",
    "import s",
    "work s",
    "work range s",
    "peak MB",
    "speed-up",
    "memory ratio",
    "note",
]


def _spread(m: Measurement) -> str:
    """Fastest–slowest work time of the runs (shows how noisy the machine was)."""
    times = [r["work_s"] for r in m.runs]
    return f"{min(times):.2f}–{max(times):.2f}" if len(times) > 1 else "—"


def correctness_rows(ms: list[Measurement]) -> list[list[str]]:
    """Compare pm4py's and journeymap's counts on each size."""
    rows = []
    for size in dict.fromkeys(m.size for m in ms):
        pair = {m.tool: m for m in ms if m.size == size and m.ok}
        if "pm4py" not in pair or "journeymap" not in pair:
            continue
        a, b = pair["pm4py"].checks, pair["journeymap"].checks
        for key in ("events", "journeys", "transitions", "transition_pairs", "variants"):
            va, vb = a.get(key), b.get(key)
            verdict = "—" if va is None or vb is None else ("OK" if va == vb else "MISMATCH")
            rows.append([size, key, _fmt(va, ","), _fmt(vb, ","), verdict])
    return rows


def target_rows(ms: list[Measurement]) -> list[list[str]]:
    """The issue's targets, with the measured value and a verdict."""
    by_key = {(m.size, m.tool): m for m in ms if m.ok}
    rows = []
    jm10, pm10, jm1 = (
        by_key.get(k) for k in [("10m", "journeymap"), ("10m", "pm4py"), ("1m", "journeymap")]
    )
    if jm10 and pm10:
        s = pm10.median("work_s") / jm10.median("work_s")
        rows.append(["10M: speed-up vs pm4py ≥ 8×", f"{s:.1f}×", _verdict(s >= TARGET_SPEEDUP_10M)])
    if jm10:
        p = jm10.peak_mb
        rows.append(
            ["10M: journeymap peak < 2,500 MB", f"{p:,.0f} MB", _verdict(p < TARGET_PEAK_MB_10M)]
        )
    capped, pm10 = by_key.get(("10m", "journeymap-capped")), by_key.get(("10m", "pm4py"))
    if capped:
        p = capped.peak_mb
        rows.append(
            [
                f"10M: journeymap with memory_limit={CAP!r}: peak < 2,500 MB",
                f"{p:,.0f} MB",
                _verdict(p < TARGET_PEAK_MB_10M),
            ]
        )
        if pm10:
            s = pm10.median("work_s") / capped.median("work_s")
            rows.append(
                [
                    f"10M: journeymap with memory_limit={CAP!r}: speed-up ≥ 8×",
                    f"{s:.1f}×",
                    _verdict(s >= TARGET_SPEEDUP_10M),
                ]
            )
    if jm1:
        w = jm1.median("work_s")
        rows.append(["1M: journeymap work < 1.5 s", f"{w:.2f} s", _verdict(w < TARGET_WORK_S_1M)])
    return rows


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def phase_rows(ms: list[Measurement]) -> list[list[str]]:
    """Where the work time goes, per tool and size (medians)."""
    rows = []
    for m in ms:
        if not m.ok:
            continue
        phases = ", ".join(f"{k} {v:.2f}" for k, v in m.phase_medians().items())
        rows.append([m.size, m.tool, phases, f"{m.median('process_s'):.2f}"])
    return rows


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def machine_info() -> str:
    """One line describing the machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        mem = f"{mem_kb / 1024**2:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        mem = "RAM unknown"
    return f"{os.cpu_count()} cores ({cpu}), {mem}, {platform.system()} {platform.release()}"


def versions_line(ms: list[Measurement]) -> str:
    """Library versions the children reported, and the commit of the working tree."""
    v: dict[str, str] = {"python": platform.python_version()}
    for m in ms:
        for run in m.runs:
            v.update(run.get("versions", {}))
    line = ", ".join(f"{k} {val}" for k, val in v.items())
    return line + f"; repository at {git_commit()}"


def git_commit() -> str:
    """Short commit of the repository, with ``+changes`` when journeymap/ has local changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "journeymap"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown commit"
    return f"commit {head or '?'}" + (" +uncommitted changes in journeymap/" if dirty else "")


def render_markdown(
    ms: list[Measurement], repeat: int, load: tuple[float, float] | None = None
) -> str:
    """The full report as markdown; ``load`` is the 1-minute load average before and after."""
    busy = ""
    if load is not None:
        busy = f"; 1-min load average {load[0]:.1f} before, {load[1]:.1f} after"
        if max(load) > (os.cpu_count() or 1) * 0.75:
            busy += " — **the machine was busy: times are inflated and noisy**"
    parts = [
        "# journeymap vs pm4py",
        "",
        f"Measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `python bench/run.py`"
        f" (median of {repeat} run{'s' if repeat > 1 else ''}; each run in a fresh process).",
        "",
        f"- Machine: {machine_info()}{busy}",
        f"- Versions: {versions_line(ms)}",
        "- Logs: `bench/make_log.py --seed 0` (about 9 events per journey, 25 touchpoints).",
        "- *work s*: inside the child, after imports; *import s*: importing the library;"
        " *peak MB*: the child's peak RSS (10^6 bytes); ratios are pm4py / journeymap.",
        "",
        markdown_table(HEADERS, summary_rows(ms)),
    ]
    if targets := target_rows(ms):
        parts += ["", "## Targets", "", markdown_table(["target", "measured", ""], targets)]
    if checks := correctness_rows(ms):
        parts += [
            "",
            "## Same answers",
            "",
            markdown_table(["size", "count", "pm4py", "journeymap", ""], checks),
        ]
    if phases := phase_rows(ms):
        parts += [
            "",
            "## Where the time goes (s)",
            "",
            markdown_table(["size", "tool", "phases", "whole process s"], phases),
        ]
    return "\n".join(parts) + "\n"


def print_report(text: str) -> None:
    """Print the markdown report (rendered with rich on a terminal)."""
    if not sys.stdout.isatty():
        print(text)  # plain markdown in logs and pipes
        return
    try:
        from rich.console import Console
        from rich.markdown import Markdown
    except ImportError:  # pragma: no cover
        print(text)
        return
    Console().print(Markdown(text))


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1m,10m", help="comma-separated: 1m, 10m (default both)")
    ap.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="comma-separated: pm4py, journeymap, journeymap-capped (memory_limit=1.5GB)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool and size (median)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per child process")
    ap.add_argument("--out", type=Path, default=BENCH / "results.md", help="markdown report")
    ap.add_argument("--no-save", action="store_true", help="do not write the markdown report")
    ap.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    ap.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        run_child(args.child, args.path, args.result)
        return

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if bad := [s for s in sizes if s not in SIZES]:
        ap.error(f"unknown size(s) {bad}; choose from {list(SIZES)}")
    if bad := [t for t in tools if t not in TOOLS]:
        ap.error(f"unknown tool(s) {bad}; choose from {list(TOOLS)}")

    repeat = max(1, args.repeat)
    load_before = os.getloadavg()[0]
    ms = measure(sizes, tools, repeat, args.timeout)
    text = render_markdown(ms, repeat, (load_before, os.getloadavg()[0]))
    print()
    print_report(text)
    if not args.no_save:
        args.out.write_text(text)
        print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
