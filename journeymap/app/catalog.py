"""The bundled samples as the Data page lists them, from :mod:`journeymap.samples`.

In a clone the files of ``sample_logs/`` are used as they are. An installed package has no
``sample_logs/`` folder: the app then writes the same files once, from the seeded generator
(``write_samples`` with the default seed writes exactly the bundled files), into a cache
folder.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import journeymap

REPO_SAMPLES = Path(journeymap.__file__).resolve().parents[1] / "sample_logs"
CACHE = Path(tempfile.gettempdir()) / "journeymap-app" / "samples"
DEFAULT = "online_shop"


@dataclass(frozen=True)
class Sample:
    """One bundled sample: its log, its goal and its designed target journey."""

    name: str
    title: str
    description: str
    path: str
    file_name: str
    goal: tuple[str, ...]
    gap: str | None
    target_path: str


def names() -> list[str]:
    """The samples, the default first."""
    from journeymap.samples import SAMPLES

    return sorted(SAMPLES, key=lambda n: (n != DEFAULT, n))


def default_name() -> str | None:
    found = names()
    return found[0] if found else None


@lru_cache(maxsize=8)
def get(name: str) -> Sample:
    """The sample called ``name``, its files written first when the package has none."""
    from journeymap.samples import SAMPLES

    spec = SAMPLES[name]
    folder = REPO_SAMPLES if (REPO_SAMPLES / f"{name}.csv").is_file() else _generated()
    goal = (spec.goal,) if isinstance(spec.goal, str) else tuple(spec.goal)
    return Sample(
        name=name,
        title=spec.title,
        description=spec.description,
        path=str(folder / f"{name}.csv"),
        file_name=f"{name}.csv",
        goal=goal,
        gap=None,  # the samples carry a journey_id column
        target_path=str(folder / f"{name}.target.yaml"),
    )


def title(name: str) -> str:
    return get(name).title


def description(name: str) -> str:
    spec = get(name)
    goal = " or ".join(f"“{g}”" for g in spec.goal)
    return f"{spec.description} Goal: {goal}."


def target(name: str) -> Any:
    """The sample's designed target journey (a :class:`TargetJourney`), or None."""
    path = Path(get(name).target_path)
    if not path.is_file():
        return None
    return _target(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _target(path: str, mtime_ns: int) -> Any:
    from journeymap.mining.target_io import read_target

    return read_target(Path(path))


@lru_cache(maxsize=1)
def _generated() -> Path:
    from journeymap.samples import SAMPLES, write_samples

    if not all((CACHE / f"{n}.csv").is_file() for n in SAMPLES):
        write_samples(CACHE)
    return CACHE
