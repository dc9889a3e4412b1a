"""Seeded generators of realistic touchpoint logs with frictions built in on purpose.

Three samples imitate three industries (see ``sample_logs/README.md`` for every column, goal and
planted friction, with its exact rate):

- ``online_shop``: an e-commerce order across web, app, email, chat and phone;
- ``telecom_support``: a broadband fault case across web, app, phone, technician visit and SMS;
- ``bank_onboarding``: a current-account opening across web, video call, branch, phone, email
  and app.

The same name, size and seed always give the same log, so tests can rely on the numbers and
users can make bigger logs than the bundled ones. ``frictions=False`` gives a control log of the
same shape without any planted friction or deviation from the target journey.

>>> from journeymap import samples
>>> sorted(samples.SAMPLES)
['bank_onboarding', 'online_shop', 'telecom_support']
>>> log = samples.generate("online_shop", journeys=200, seed=1)
>>> print(*log.columns)
customer_id journey_id timestamp touchpoint channel segment device ces csat
>>> log["journey_id"].nunique()
200
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from journeymap._validation import check_choice, check_positive_int
from journeymap.errors import ParameterError
from journeymap.samples import _bank_onboarding, _online_shop, _telecom_support
from journeymap.samples._core import (
    LOG_END,
    LOG_START,
    MAX_SILENCE_S,
    MIN_GAP_S,
    Planted,
    Recipe,
    SampleSpec,
    build_log,
    target_yaml,
    write_csv,
)

__all__ = [
    "LOG_END",
    "LOG_START",
    "MAX_SILENCE_S",
    "MIN_GAP_S",
    "SAMPLES",
    "Planted",
    "SampleSpec",
    "generate",
    "target_yaml_text",
    "write_samples",
]

_RECIPES: dict[str, Recipe] = {
    m.RECIPE.spec.name: m.RECIPE for m in (_online_shop, _telecom_support, _bank_onboarding)
}

SAMPLES: dict[str, SampleSpec] = {name: recipe.spec for name, recipe in _RECIPES.items()}
"""Every bundled sample by name."""


def generate(
    name: str, *, journeys: int | None = None, seed: int = 0, frictions: bool = True
) -> pd.DataFrame:
    """Generate a sample touchpoint log, one row per event, sorted by timestamp.

    Parameters:
        name: one of :data:`SAMPLES` (``online_shop``, ``telecom_support``,
            ``bank_onboarding``).
        journeys: how many journeys (default: the sample's ``default_journeys``, the size of the
            bundled file). About 50,000 journeys take a few seconds.
        seed: the random seed; the same name, size, seed and ``frictions`` give the same log.
        frictions: False gives a control log of the same shape with no planted friction and no
            deviation from the target journey: no repeated touchpoint, no channel switch away
            from the design, no step with an unusual exit rate, no slow transition, no extra
            step.

    Returns:
        A DataFrame with the columns ``customer_id``, ``journey_id``, ``timestamp`` (naive
        datetimes, whole seconds), ``touchpoint``, ``channel``, ``segment``, ``device`` (online
        shop) or ``region`` (the others), ``ces`` (1–7, 7 = most effort) and ``csat`` (1–5),
        the last two nullable integers that are mostly empty.

    Raises:
        journeymap.errors.ParameterError: (a ``ValueError``) for an unknown name, a journey
            count that is not a positive integer, or a seed that is not an integer.

    Example:
        >>> from journeymap import samples
        >>> log = samples.generate("bank_onboarding", journeys=100, seed=3)
        >>> log.equals(samples.generate("bank_onboarding", journeys=100, seed=3))
        True
        >>> "Account opened" in set(log["touchpoint"])
        True
    """
    check_choice(name, sorted(_RECIPES), name="name", func="generate")
    check_positive_int(journeys, name="journeys", func="generate")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(
            f"The 'seed' parameter of generate must be an integer. Got {seed!r} instead."
        )
    recipe = _RECIPES[name]
    n = recipe.spec.default_journeys if journeys is None else journeys
    return build_log(recipe, journeys=n, seed=seed, frictions=bool(frictions))


def target_yaml_text(name: str) -> str:
    """The designed target journey of a sample, as the YAML text of ``<name>.target.yaml``.

    Example:
        >>> from journeymap import samples
        >>> print(samples.target_yaml_text("online_shop").splitlines()[2])
        name: Online order
    """
    check_choice(name, sorted(_RECIPES), name="name", func="target_yaml_text")
    recipe = _RECIPES[name]
    header = (
        f"Target journey of sample_logs/{name}.csv: the journey as designed.\n"
        "Written by journeymap.samples.write_samples; see sample_logs/README.md."
    )
    return target_yaml(recipe.target, header=header)


def write_samples(directory: str | Path, *, seed: int = 0) -> list[Path]:
    """Write every sample log (``<name>.csv``) and its target journey (``<name>.target.yaml``).

    The bundled files in ``sample_logs/`` are exactly what ``write_samples("sample_logs")``
    writes with the default seed.

    Parameters:
        directory: where to write (created if missing).
        seed: the random seed of every log.

    Returns:
        The paths written, CSV then YAML for each sample.

    Example:
        >>> import tempfile
        >>> from journeymap import samples
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     paths = samples.write_samples(tmp)                 # doctest: +SKIP
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in _RECIPES:
        csv_path = out / f"{name}.csv"
        write_csv(generate(name, seed=seed), csv_path)
        yaml_path = out / f"{name}.target.yaml"
        yaml_path.write_text(target_yaml_text(name), encoding="utf-8", newline="\n")
        written += [csv_path, yaml_path]
    return written
