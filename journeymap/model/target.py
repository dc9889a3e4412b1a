"""``TargetJourney``: the journey as designed — stages, their steps, channels, effort and waits.

Pure data: building, checking and turning a target into plain data or YAML text happen here;
reading and writing files happen in :mod:`journeymap.mining.target_io` (``from_yaml`` and
``to_yaml(path)`` delegate to it), and ``suggest`` in :mod:`journeymap.mining.suggest`.

The YAML format (every key but ``name``, ``stages``, ``steps`` and ``touchpoint`` is optional)::

    name: Online order
    goal: Order confirmed            # a step, or a list of steps; default: the last step
    description: free text           # allowed on the journey, on stages and on steps
    stages:
      - name: Discover
        steps:
          - touchpoint: Product page   # the log's touchpoint name
            channel: web               # expected channel
            optional: true             # may be skipped by design (default false)
            effort: 2                  # designed effort, 1 (effortless) to 5
            max_wait: 2d               # longest designed wait before the next step
            aliases: [Product detail]  # other names of the same touchpoint in the log
          - Add to cart                # a step with nothing but its touchpoint
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from journeymap._validation import closest
from journeymap.errors import TargetError

__all__ = ["Stage", "TargetJourney", "TargetStep", "format_duration", "parse_duration_text"]

JOURNEY_KEYS = ("name", "goal", "description", "stages")
STAGE_KEYS = ("name", "description", "steps")
STEP_KEYS = ("touchpoint", "channel", "optional", "effort", "max_wait", "aliases", "description")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$", re.IGNORECASE)
_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}

# A path in the YAML tree, e.g. ("stages", 0, "steps", 2, "max_wait"), and a function giving
# the line it starts on (None when unknown, e.g. for a dict built in Python).
KeyPath = tuple[str | int, ...]
Locate = Callable[[KeyPath], int | None]


def parse_duration_text(value: str) -> float | None:
    """Seconds in ``"30m"``, ``"2h"``, ``"1.5d"``, ``"1w"``, ``"45s"``; None if not a duration.

    >>> parse_duration_text("2d"), parse_duration_text("90 min"), parse_duration_text("soon")
    (172800.0, 5400.0, None)
    """
    match = _DURATION.match(value)
    if not match or match.group(2).lower() not in _UNITS:
        return None
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    return seconds if seconds > 0 else None


def format_duration(seconds: float) -> str:
    """The shortest exact spelling of a duration: ``172800 -> '2d'``, ``5400 -> '90m'``.

    >>> format_duration(172800), format_duration(5400), format_duration(36)
    ('2d', '90m', '36s')
    """
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds // size)}{unit}"
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{seconds:g}s"


@dataclass(frozen=True)
class TargetStep:
    """One designed step: a touchpoint of the log, with what the design expects of it.

    Attributes:
        touchpoint: the touchpoint's name in the log.
        channel: the expected channel (None: any channel).
        optional: whether the design lets customers skip it.
        effort: the designed effort, 1 (effortless) to 5 (hard), or None.
        max_wait_s: the longest designed wait before the next step, in seconds, or None.
        aliases: other names of the same touchpoint in the log.
        description: the designer's note.

    >>> TargetStep("Product page", aliases=("Product detail",)).names
    ('Product page', 'Product detail')
    """

    touchpoint: str
    channel: str | None = None
    optional: bool = False
    effort: int | None = None
    max_wait_s: float | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def names(self) -> tuple[str, ...]:
        """The touchpoint name followed by its aliases."""
        return (self.touchpoint, *self.aliases)

    @property
    def max_wait(self) -> str | None:
        """``max_wait_s`` spelled as in YAML (``'2d'``), or None."""
        return None if self.max_wait_s is None else format_duration(self.max_wait_s)

    def to_dict(self) -> dict[str, Any]:
        """The step as YAML-ready plain data (keys left out when at their default)."""
        data: dict[str, Any] = {"touchpoint": self.touchpoint}
        if self.channel is not None:
            data["channel"] = self.channel
        if self.optional:
            data["optional"] = True
        if self.effort is not None:
            data["effort"] = self.effort
        if self.max_wait_s is not None:
            data["max_wait"] = self.max_wait
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.description:
            data["description"] = self.description
        return data


@dataclass(frozen=True)
class Stage:
    """A designed stage: a name and its steps, in the order the design expects them."""

    name: str
    steps: tuple[TargetStep, ...]
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))


@dataclass(frozen=True)
class TargetJourney:
    """The journey as designed: stages in order, each a sequence of steps; and the goal.

    Build one from YAML (:meth:`from_yaml`), from plain data (:meth:`from_dict`), from a mined
    map (:meth:`suggest`) or by hand. Construction checks that touchpoints (with their aliases)
    are unique and that every goal is a step; :class:`journeymap.errors.TargetError` says what
    is wrong and, for files, on which line.

    Attributes:
        name: the journey's name.
        stages: the stages in designed order.
        goal: the goal touchpoints; the last step when the file names none.
        description: the designer's note.
        source: where it was read from (a file name), for messages.

    Example:
        >>> t = TargetJourney.from_dict({"name": "Order", "stages": [
        ...     {"name": "Buy", "steps": ["Cart", {"touchpoint": "Pay", "channel": "web"}]}]})
        >>> [s.touchpoint for s in t.steps], t.goal
        (['Cart', 'Pay'], ('Pay',))
    """

    name: str
    stages: tuple[Stage, ...]
    goal: tuple[str, ...] = ()
    description: str = ""
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", tuple(self.stages))
        goal = (self.goal,) if isinstance(self.goal, str) else tuple(self.goal)
        if not goal and self.steps:
            goal = (self.steps[-1].touchpoint,)
        object.__setattr__(self, "goal", goal)
        _check_names(self, lambda path: None)

    # -- lookups ------------------------------------------------------------------------------

    @cached_property
    def steps(self) -> tuple[TargetStep, ...]:
        """Every step in designed order (stage after stage)."""
        return tuple(step for stage in self.stages for step in stage.steps)

    @property
    def touchpoints(self) -> tuple[str, ...]:
        """The designed touchpoint names, in order."""
        return tuple(step.touchpoint for step in self.steps)

    @cached_property
    def name_map(self) -> dict[str, str]:
        """Every name the log may use (touchpoints and aliases) -> the designed touchpoint."""
        return {name: step.touchpoint for step in self.steps for name in step.names}

    def step(self, name: str) -> TargetStep:
        """The step called ``name`` (or having it as an alias)."""
        touchpoint = self.name_map.get(name)
        if touchpoint is None:
            near = closest(name, self.name_map)
            hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            raise KeyError(f"{name!r} is no step of target journey {self.name!r}.{hint}")
        return next(s for s in self.steps if s.touchpoint == touchpoint)

    def stage_of(self, name: str) -> str:
        """The name of the stage holding step ``name``."""
        touchpoint = self.step(name).touchpoint
        return next(st.name for st in self.stages for s in st.steps if s.touchpoint == touchpoint)

    # -- conversions --------------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        source: str = "",
        locate: Locate | None = None,
    ) -> TargetJourney:
        """Build and check a target from plain data shaped like the YAML format.

        Parameters:
            data: the parsed document.
            source: a name for messages (the file name).
            locate: gives the line of a key path (used by the YAML reader for messages).

        Raises:
            journeymap.errors.TargetError: an unknown key, a missing or mistyped value, a
                duplicate touchpoint, a goal that is no step, a bad duration or effort.
        """
        return _Builder(source, locate or (lambda path: None)).journey(data)

    @classmethod
    def from_yaml(cls, source: str | Path) -> TargetJourney:
        """Read a target from a YAML file (a path) or from YAML text.

        Only plain YAML is read (``yaml.safe_load`` rules: no tags that build Python objects).

        >>> t = TargetJourney.from_yaml("name: N\\nstages:\\n- name: S\\n  steps: [A, B]\\n")
        >>> t.touchpoints
        ('A', 'B')
        """
        from journeymap.mining.target_io import read_target

        return read_target(source)

    def to_dict(self) -> dict[str, Any]:
        """The target as plain data in the YAML format (round-trips through :meth:`from_dict`)."""
        data: dict[str, Any] = {"name": self.name}
        data["goal"] = self.goal[0] if len(self.goal) == 1 else list(self.goal)
        if self.description:
            data["description"] = self.description
        stages = []
        for stage in self.stages:
            item: dict[str, Any] = {"name": stage.name}
            if stage.description:
                item["description"] = stage.description
            item["steps"] = [
                s.touchpoint if len(s.to_dict()) == 1 else s.to_dict() for s in stage.steps
            ]
            stages.append(item)
        data["stages"] = stages
        return data

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The target as YAML text; also written to ``path`` when one is given.

        >>> t = TargetJourney.from_dict({"name": "N", "stages": [{"name": "S", "steps": ["A"]}]})
        >>> print(t.to_yaml().strip())
        name: N
        goal: A
        stages:
        - name: S
          steps:
          - A
        """
        import yaml

        class Dumper(yaml.SafeDumper):
            pass

        def short_list(dumper: yaml.SafeDumper, items: list[Any]) -> Any:
            flow = all(isinstance(i, str) for i in items) and len(items) <= 6
            return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)

        def block_map(dumper: yaml.SafeDumper, data: dict[str, Any]) -> Any:
            return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)

        Dumper.add_representer(_ShortList, short_list)
        Dumper.add_representer(dict, block_map)
        data = self.to_dict()
        if isinstance(data["goal"], list):
            data["goal"] = _ShortList(data["goal"])
        for stage in data["stages"]:
            for step in stage["steps"]:
                if isinstance(step, dict) and "aliases" in step:
                    step["aliases"] = _ShortList(step["aliases"])
        text = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
        if path is not None:
            from journeymap.mining.target_io import write_target

            write_target(text, path)
        return text

    @classmethod
    def suggest(cls, jmap: Any, *, name: str | None = None, stages: int | None = None) -> Any:
        """A starting design from a mined map: its most common converting path.

        See :func:`journeymap.mining.suggest.suggest_target` for the rules.
        """
        from journeymap.mining.suggest import suggest_target

        return suggest_target(jmap, name=name, stages=stages)

    def to_process_tree(self) -> Any:
        """The target as a pm4py process tree: a sequence of stages, each a sequence of its
        steps, an optional step being a choice between the step and a silent skip."""
        from journeymap.mining.alignment import process_tree

        return process_tree(self)

    def to_petri_net(self) -> tuple[Any, Any, Any]:
        """The target as a pm4py Petri net with initial and final marking."""
        from journeymap.mining.alignment import petri_net

        return petri_net(self)

    def __repr__(self) -> str:
        return (
            f"<TargetJourney {self.name!r}: {len(self.stages)} stages, {len(self.steps)} steps, "
            f"goal {' / '.join(self.goal)}>"
        )


class _ShortList(list):  # type: ignore[type-arg]
    """A list written in YAML flow style: ``aliases: [Product detail, PDP]``."""


def _check_names(target: TargetJourney, locate: Locate) -> None:
    """Touchpoints and aliases unique, stage names unique, goals are steps."""
    seen: dict[str, tuple[str, KeyPath]] = {}
    for i, stage in enumerate(target.stages):
        for j, step in enumerate(stage.steps):
            for k, name in enumerate(step.names):
                path: KeyPath = ("stages", i, "steps", j, "touchpoint" if k == 0 else "aliases")
                if name in seen:
                    first, first_path = seen[name]
                    what = "touchpoint" if k == 0 else "alias"
                    raise TargetError(
                        f"duplicate {what} {name!r} in stage {stage.name!r}: it already names "
                        f"step {first!r} (line {locate(first_path) or '?'}). Each touchpoint of "
                        "the log may appear once in the design; merge the two steps or use "
                        "aliases.",
                        source=target.source or None,
                        line=locate(path),
                        key=str(path[-1]),
                    )
                seen[name] = (step.touchpoint, path)
    stage_names: dict[str, int] = {}
    for i, stage in enumerate(target.stages):
        if stage.name in stage_names:
            raise TargetError(
                f"duplicate stage name {stage.name!r} (also stage {stage_names[stage.name] + 1}).",
                source=target.source or None,
                line=locate(("stages", i, "name")),
                key="name",
            )
        stage_names[stage.name] = i
    for goal in target.goal:
        if goal not in seen:
            near = closest(goal, seen)
            hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            raise TargetError(
                f"the goal {goal!r} is no step of the journey; the goal must be one of the "
                f"designed touchpoints.{hint}",
                source=target.source or None,
                line=locate(("goal",)),
                key="goal",
            )


class _Builder:
    """Turns parsed YAML (plain data) into a TargetJourney, naming the line of every problem."""

    def __init__(self, source: str, locate: Locate) -> None:
        self.source = source
        self.locate = locate

    def fail(self, path: KeyPath, message: str, *, key: str | None = None) -> TargetError:
        key = key or next((str(p) for p in reversed(path) if isinstance(p, str)), None)
        return TargetError(message, source=self.source or None, line=self.locate(path), key=key)

    def mapping(self, value: Any, path: KeyPath, what: str, allowed: Sequence[str]) -> None:
        if not isinstance(value, Mapping):
            raise self.fail(
                path, f"{what} must be a mapping of keys to values; got {_kind(value)}."
            )
        for key in value:
            if key not in allowed:
                near = closest(str(key), allowed)
                hint = f" Did you mean {near[0]!r}?" if near else ""
                raise self.fail(
                    (*path, str(key)),
                    f"unknown key {key!r} in {what}.{hint} Allowed keys: {', '.join(allowed)}.",
                )

    def text(self, value: Any, path: KeyPath, what: str, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            got = "nothing" if value is None else f"{_kind(value)} {value!r}"
            raise self.fail(
                path,
                f"{what} must be text; got {got}. Write it as text (quote it if it looks like "
                "a number, a date or yes/no).",
            )
        return value.strip()

    def journey(self, data: Any) -> TargetJourney:
        self.mapping(data, (), "the target journey", JOURNEY_KEYS)
        for key in ("name", "stages"):
            if key not in data:
                raise self.fail(
                    (), f"missing key {key!r} at the top of the target journey.", key=key
                )
        name = self.text(data["name"], ("name",), "the journey's 'name'")
        stages_raw = data["stages"]
        if not isinstance(stages_raw, list) or not stages_raw:
            raise self.fail(("stages",), "'stages' must be a non-empty list of stages.")
        stages = tuple(self.stage(raw, ("stages", i)) for i, raw in enumerate(stages_raw))
        goal: tuple[str, ...] = ()
        if data.get("goal") is not None:
            raw_goal = data["goal"]
            items = raw_goal if isinstance(raw_goal, list) else [raw_goal]
            goal = tuple(self.text(g, ("goal",), "'goal'") for g in items)
            if not goal:
                raise self.fail(("goal",), "'goal' must name at least one step.")
        description = self.text(
            data.get("description"), ("description",), "'description'", required=False
        )
        probe = TargetJourney.__new__(TargetJourney)
        for attribute, value in (("name", name), ("stages", stages), ("source", self.source)):
            object.__setattr__(probe, attribute, value)
        object.__setattr__(probe, "goal", goal)
        _check_names(probe, self.locate)
        # goals may be spelled with an alias: the target keeps the designed touchpoint
        goal = tuple(dict.fromkeys(probe.name_map[g] for g in goal))
        return TargetJourney(
            name=name, stages=stages, goal=goal, description=description, source=self.source
        )

    def stage(self, raw: Any, path: KeyPath) -> Stage:
        self.mapping(raw, path, f"stage {path[-1] + 1}", STAGE_KEYS)  # type: ignore[operator]
        for key in ("name", "steps"):
            if key not in raw:
                raise self.fail(path, f"missing key {key!r} in stage {path[-1] + 1}.", key=key)  # type: ignore[operator]
        name = self.text(raw["name"], (*path, "name"), "a stage's 'name'")
        steps_raw = raw["steps"]
        if not isinstance(steps_raw, list) or not steps_raw:
            raise self.fail((*path, "steps"), f"stage {name!r}: 'steps' must be a non-empty list.")
        steps = tuple(
            self.step(item, (*path, "steps", j), name) for j, item in enumerate(steps_raw)
        )
        description = self.text(
            raw.get("description"), (*path, "description"), "'description'", required=False
        )
        return Stage(name=name, steps=steps, description=description)

    def step(self, raw: Any, path: KeyPath, stage: str) -> TargetStep:
        if isinstance(raw, str):
            return TargetStep(self.text(raw, path, f"a step of stage {stage!r}"))
        self.mapping(raw, path, f"a step of stage {stage!r}", STEP_KEYS)
        if "touchpoint" not in raw:
            raise self.fail(
                path,
                f"missing key 'touchpoint' in a step of stage {stage!r} (the log's name).",
                key="touchpoint",
            )
        touchpoint = self.text(raw["touchpoint"], (*path, "touchpoint"), "'touchpoint'")
        where = f"step {touchpoint!r}"
        channel = None
        if raw.get("channel") is not None:
            channel = self.text(raw["channel"], (*path, "channel"), f"{where}: 'channel'")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise self.fail(
                (*path, "optional"),
                f"{where}: 'optional' must be true or false; got {optional!r}.",
            )
        effort = raw.get("effort")
        if effort is not None and (
            isinstance(effort, bool) or not isinstance(effort, int) or not 1 <= effort <= 5
        ):
            raise self.fail(
                (*path, "effort"),
                f"{where}: 'effort' must be a whole number from 1 (effortless) to 5 (hard); "
                f"got {effort!r}.",
            )
        max_wait_s = None
        if raw.get("max_wait") is not None:
            value = raw["max_wait"]
            max_wait_s = parse_duration_text(value) if isinstance(value, str) else None
            if max_wait_s is None:
                raise self.fail(
                    (*path, "max_wait"),
                    f"{where}: 'max_wait' must be a duration with a unit such as 30m, 2h, 5d or "
                    f"1w; got {value!r}.",
                )
        aliases_raw = raw.get("aliases") or []
        items = aliases_raw if isinstance(aliases_raw, list) else [aliases_raw]
        aliases = tuple(self.text(a, (*path, "aliases"), f"{where}: an alias") for a in items)
        description = self.text(
            raw.get("description"), (*path, "description"), "'description'", required=False
        )
        return TargetStep(
            touchpoint=touchpoint,
            channel=channel,
            optional=optional,
            effort=effort,
            max_wait_s=max_wait_s,
            aliases=aliases,
            description=description,
        )


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__
