"""The real logs of ``../shared/datasets/``, cross-checked with pm4py.

For every log in the table of ``../shared/datasets/README.md``:

- case and event counts (and the number of touchpoints) equal the figures of the README;
- every event read is used (none of these logs has a gap) and read = used + left out;
- journeymap's transitions equal pm4py's directly-follows graph (``discover_dfg``), pair by pair,
  and its start and end steps equal pm4py's start and end activities;
- journeymap's variants equal pm4py's ``get_variants``: the same paths with the same journeys;
- median transition waits equal ``discover_performance_dfg(..., perf_aggregation_key="median")``
  within 1e-6 relative, and journey durations equal ``get_all_case_durations``.

pm4py gets its DataFrame the way journeymap does: ``pm4py.read_xes`` for XES, and
``pm4py.format_dataframe(pd.read_csv(...))`` for CSV. Reading XES dominates the runtime (pm4py's
parser, used by both sides, takes about 35 s for road_fine.xes.gz), so each file is read once by
journeymap, in this process, and once by pm4py, in a helper process started when the module's
first test runs (``python tests/test_real_logs.py OUT FILE...``): the two readings overlap.

The logs are never copied into the repository; tests skip when the folder or a file is absent.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@dataclass(frozen=True)
class RealLog:
    """One row of the README table, and how both tools read it."""

    file: str
    doi: str
    cases: int
    events: int
    touchpoints: int
    read_kwargs: dict[str, str] = field(default_factory=dict)  # for journeymap.read_log
    csv: dict[str, str] | None = None  # pandas.read_csv arguments; None for XES
    case: str = "case:concept:name"
    activity: str = "concept:name"
    timestamp: str = "time:timestamp"


REAL_LOGS = [
    RealLog(
        "BPI2016_Complaints.csv",
        # UWV customer complaints, BPI Challenge 2016: 226 customers / 289 complaints, 70 topics
        doi="10.4121/uuid:e30ba0c8-0039-4835-a493-6e3aa2301d3f",
        cases=226,
        events=289,
        touchpoints=70,
        read_kwargs={"case": "CustomerID", "touchpoint": "ComplaintTopic_EN"},
        csv={"sep": ";", "encoding": "latin-1"},
        case="CustomerID",
        activity="ComplaintTopic_EN",
        timestamp="ContactDate",
    ),
    RealLog(
        "BPI2016_Clicks_NOT_Logged_In_sample1000.csv",
        # UWV website clicks, BPI Challenge 2016: 603 sessions / 1,000 clicks, 56 pages
        doi="10.4121/uuid:9b99a146-51b5-48df-aa70-288a76c82ec4",
        cases=603,
        events=1_000,
        touchpoints=56,
        read_kwargs={"case": "SessionID"},
        csv={"sep": ";"},
        case="SessionID",
        activity="PAGE_NAME",
        timestamp="TIMESTAMP",
    ),
    RealLog(
        "helpdesk.xes.gz",
        # help-desk tickets of an Italian software company: 4,580 / 21,348, 14 activities
        doi="10.17632/39bp3vv62t.1",
        cases=4_580,
        events=21_348,
        touchpoints=14,
    ),
    RealLog(
        "receipt.csv",
        # WABO receipt phase: 1,434 / 8,577, 27 activities
        doi="10.4121/uuid:a07386a5-7be3-4367-9535-70bc9e77dbe6",
        cases=1_434,
        events=8_577,
        touchpoints=27,
        csv={},
    ),
    RealLog(
        "bpic2012.xes.gz",
        # Dutch bank loan applications, BPI Challenge 2012: 13,087 / 262,200, 24 activities
        doi="10.4121/uuid:3926db30-f712-4394-aebc-75976070e91f",
        cases=13_087,
        events=262_200,
        touchpoints=24,
    ),
    RealLog(
        "SEPSIS.xes.gz",
        # sepsis patient pathways: 1,050 / 15,214, 16 activities
        doi="10.4121/uuid:915d2bfb-7e84-49ad-a286-dc35f063a460",
        cases=1_050,
        events=15_214,
        touchpoints=16,
    ),
    RealLog(
        "07_bpic2013_incidents.xes.gz",
        # Volvo IT incidents, BPI Challenge 2013: 7,554 / 65,533, 4 activities
        doi="10.4121/uuid:500573e6-accc-4b0c-9576-aa5468b10cee",
        cases=7_554,
        events=65_533,
        touchpoints=4,
    ),
    RealLog(
        "road_fine.xes.gz",
        # road traffic fine management: 150,370 / 561,470, 11 activities
        doi="10.4121/uuid:270fd440-1057-4fb9-89a9-b699b47990f5",
        cases=150_370,
        events=561_470,
        touchpoints=11,
    ),
]
BY_FILE = {spec.file: spec for spec in REAL_LOGS}

# receipt.csv: inbound channel of each case, from the README (case:channel)
RECEIPT_CHANNELS = {"Internet": 1_250, "Desk": 109, "Post": 53, "e-mail": 21, "Intern": 1}


def skip_reason(spec: RealLog) -> str:
    return f"{spec.file} not found: real logs live in ../shared/datasets/ (looked in {DATASETS})"


# --------------------------------------------------------------------------------------------
# pm4py's side, computed in a helper process


def pm4py_reference(spec: RealLog) -> dict[str, Any]:
    """Everything the tests compare, computed by pm4py from the file of ``spec``."""
    import pandas as pd
    import pm4py

    path = DATASETS / spec.file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pm4py's notices about optional speed-ups
        if spec.csv is None:
            # journeymap reads XES with pm4py's iterparse importer: the same here
            df = pm4py.read_xes(str(path), variant="iterparse", show_progress_bar=False)
        else:
            df = pm4py.format_dataframe(
                pd.read_csv(path, **spec.csv),
                case_id=spec.case,
                activity_key=spec.activity,
                timestamp_key=spec.timestamp,
            )
        dfg, starts, ends = pm4py.discover_dfg(df)
        variants = pm4py.get_variants(df)
        perf, _, _ = pm4py.discover_performance_dfg(df, perf_aggregation_key="median")
        durations = pm4py.get_all_case_durations(df)
    return {
        "cases": int(df["case:concept:name"].nunique()),
        "events": len(df),
        "dfg": {tuple(k): int(v) for k, v in dfg.items()},
        "starts": {k: int(v) for k, v in starts.items()},
        "ends": {k: int(v) for k, v in ends.items()},
        "variant_key_types": sorted({type(k).__name__ for k in variants}),
        "variants": {
            tuple(k): int(v) if isinstance(v, int) else len(v) for k, v in variants.items()
        },
        "median_wait_s": {tuple(k): float(v) for k, v in perf.items()},
        "durations_s": sorted(float(d) for d in durations),
    }


def _reference_main(out: Path, files: list[str]) -> None:
    """Helper process: write ``OUT/<file>.pkl`` (or ``.err``) for each file, in order."""
    for name in files:
        target = out / f"{name}.pkl"
        try:
            data = pickle.dumps(pm4py_reference(BY_FILE[name]))
        except Exception:
            (out / f"{name}.err").write_text(traceback.format_exc())
            continue
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: the tests never see half a file


class References:
    """pm4py's results, computed by a helper process while journeymap reads the same logs."""

    def __init__(self, folder: Path, files: list[str]) -> None:
        self.folder = folder
        self.output = folder / "helper-output.txt"
        self.cache: dict[str, dict[str, Any]] = {}
        with self.output.open("wb") as fh:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), str(folder), *files],
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def get(self, name: str, timeout: float = 900.0) -> dict[str, Any]:
        if name in self.cache:
            return self.cache[name]
        done, failed = self.folder / f"{name}.pkl", self.folder / f"{name}.err"
        deadline = time.monotonic() + timeout
        while not done.exists():
            if failed.exists():
                pytest.fail(f"pm4py could not process {name}:\n{failed.read_text()}")
            if self.process.poll() is not None and not done.exists():
                pytest.fail(
                    f"the pm4py helper process stopped (status {self.process.returncode}) "
                    f"before {name}:\n{self.output.read_text(errors='replace')[-3000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"pm4py took more than {timeout:.0f} s for {name}")
            time.sleep(0.05)
        self.cache[name] = pickle.loads(done.read_bytes())
        return self.cache[name]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def references(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[References]:
    # only the logs whose tests were selected (-k), in the order the tests will ask for them
    selected = {
        item.callspec.params["mined"].file
        for item in request.session.items
        if "mined" in getattr(getattr(item, "callspec", None), "params", {})
    }
    present = [
        spec.file for spec in REAL_LOGS if spec.file in selected and (DATASETS / spec.file).exists()
    ]
    if not present:
        pytest.skip(f"no real log found: real logs live in ../shared/datasets/ ({DATASETS})")
    refs = References(tmp_path_factory.mktemp("pm4py_reference"), present)
    yield refs
    refs.close()


# --------------------------------------------------------------------------------------------
# journeymap's side


@dataclass
class Mined:
    spec: RealLog
    log: Any
    jmap: Any


@pytest.fixture(scope="module", params=REAL_LOGS, ids=[spec.file for spec in REAL_LOGS])
def mined(request: pytest.FixtureRequest, references: References) -> Mined:
    import journeymap as jm

    spec: RealLog = request.param
    path = DATASETS / spec.file
    if not path.exists():
        pytest.skip(skip_reason(spec))
    log = jm.read_log(path, **spec.read_kwargs)
    return Mined(spec, log, jm.mine(log, top_variants=None))


@pytest.fixture
def ref(mined: Mined, references: References) -> dict[str, Any]:
    return references.get(mined.spec.file)


def test_counts_match_readme(mined: Mined, assert_nothing_lost: Any) -> None:
    spec, q = mined.spec, mined.log.quality
    assert (q.journeys, q.events_read) == (spec.cases, spec.events), f"see doi:{spec.doi}"
    assert q.events_used == spec.events, q.left_out
    assert q.touchpoints == spec.touchpoints
    assert len(mined.jmap.journeys) == spec.cases
    assert int(mined.jmap.journeys["events"].sum()) == spec.events
    assert_nothing_lost(mined.log)


def test_counts_match_pm4py(mined: Mined, ref: dict[str, Any]) -> None:
    assert (ref["cases"], ref["events"]) == (mined.spec.cases, mined.spec.events)


def test_transitions_match_pm4py_dfg(mined: Mined, ref: dict[str, Any]) -> None:
    ours = {(r.source, r.target): int(r.count) for r in mined.jmap.transitions.itertuples()}
    assert len(ours) == len(mined.jmap.transitions), "a directly-follows pair appears twice"
    assert ours == ref["dfg"]


def test_start_and_end_steps_match_pm4py(mined: Mined, ref: dict[str, Any]) -> None:
    steps = mined.jmap.steps.set_index("step")
    starts = {k: int(v) for k, v in steps["starts"].items() if v}
    ends = {k: int(v) for k, v in steps["ends"].items() if v}
    assert starts == ref["starts"]
    assert ends == ref["ends"]


def test_variants_match_pm4py(mined: Mined, ref: dict[str, Any]) -> None:
    assert ref["variant_key_types"] == ["tuple"]  # pm4py 2.7: variants keyed by tuples
    variants = mined.jmap.variants
    assert mined.jmap.variant_count == len(ref["variants"])
    assert len(variants) == mined.jmap.variant_count  # top_variants=None keeps them all
    ours = dict(zip(variants["path"].map(tuple), variants["journeys"].astype(int), strict=True))
    assert len(ours) == len(variants), "a path appears in two variants"
    assert ours == ref["variants"]
    assert variants["journeys"].sum() == mined.spec.cases
    # numbered 1..n by journeys, and each journey carries its variant's number
    assert variants["variant"].tolist() == list(range(1, len(variants) + 1))
    assert variants["journeys"].is_monotonic_decreasing
    per_number = mined.jmap.journeys["variant"].value_counts().reindex(variants["variant"])
    assert per_number.tolist() == variants["journeys"].tolist()


def test_median_waits_match_pm4py(mined: Mined, ref: dict[str, Any]) -> None:
    ours = {(r.source, r.target): float(r.median_s) for r in mined.jmap.transitions.itertuples()}
    assert ours.keys() == ref["median_wait_s"].keys()
    assert ours == pytest.approx(ref["median_wait_s"], rel=1e-6, abs=0)


def test_journey_durations_match_pm4py(mined: Mined, ref: dict[str, Any]) -> None:
    ours = sorted(mined.jmap.journeys["duration_s"].astype(float))
    assert len(ours) == len(ref["durations_s"])
    assert ours == pytest.approx(ref["durations_s"], rel=1e-9, abs=1e-6)


def test_receipt_channels_match_readme() -> None:
    import journeymap as jm

    spec = BY_FILE["receipt.csv"]
    if not (DATASETS / spec.file).exists():
        pytest.skip(skip_reason(spec))
    log = jm.read_log(DATASETS / spec.file)
    assert log.mapping.channel == "case:channel"  # guessed from the pm4py name
    events = log.to_pandas()
    per_channel = events.groupby("channel")["journey"].nunique().to_dict()
    assert per_channel == RECEIPT_CHANNELS  # doi:10.4121/uuid:a07386a5-7be3-4367-9535-70bc9e77dbe6
    assert log.quality.channels == len(RECEIPT_CHANNELS)


if __name__ == "__main__":  # the pm4py helper process: OUT FILE...
    _reference_main(Path(sys.argv[1]), sys.argv[2:])
