"""Reading and writing target-journey YAML files, with the line of every problem.

Files are parsed with ``yaml.compose`` under the safe loader: the node tree carries the line of
every key, and scalars are built by the safe constructor only, so a hostile file cannot build
Python objects. Duplicate keys (which ``yaml.safe_load`` silently resolves to the last one) are
errors. Files over 1 MB and documents over 100,000 nodes (alias bombs) are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from journeymap.errors import TargetError
from journeymap.model.target import KeyPath, TargetJourney

__all__ = ["parse_target", "read_target", "write_target"]

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
_PLAIN = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def read_target(source: str | Path) -> TargetJourney:
    """Read a target journey from a YAML file (a path) or YAML text (a string with a newline).

    Raises:
        journeymap.errors.TargetError: the file is missing, unreadable or invalid; the message
            names the file, the line and the key.
    """
    if isinstance(source, Path) or ("\n" not in str(source) and str(source).strip()):
        path = Path(source)
        label = path.name
        if not path.is_file():
            hint = ""
            if str(source).lower().endswith((".yaml", ".yml")) is False:
                hint = " (pass YAML text with at least one line break, or a .yaml file)"
            raise TargetError(f"no such target file{hint}.", source=str(path))
        if path.stat().st_size > MAX_BYTES:
            raise TargetError(
                f"the file is larger than {MAX_BYTES:,} bytes; a target journey is a few lines.",
                source=label,
            )
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TargetError(
                f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8.", source=label
            ) from None
        return parse_target(text, source=label)
    return parse_target(str(source), source="<yaml text>")


def write_target(text: str, path: str | Path) -> Path:
    """Write YAML text of a target journey to ``path`` (UTF-8); return the path."""
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out


def parse_target(text: str, *, source: str = "<yaml text>") -> TargetJourney:
    """Parse YAML text into a checked :class:`TargetJourney` (messages name ``source``)."""
    if len(text) > MAX_BYTES:
        raise TargetError(f"the text is larger than {MAX_BYTES:,} characters.", source=source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise TargetError(
            f"this is not valid YAML: {problem}. Check the indentation and that values with "
            "':' or '#' are quoted.",
            source=source,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise TargetError(f"this is not valid YAML: {exc}.", source=source) from None
    if root is None:
        raise TargetError("the file is empty; expected 'name:' and 'stages:'.", source=source)
    lines: dict[KeyPath, int] = {}
    data = _Plain(source, lines).value(root, ())
    return TargetJourney.from_dict(data, source=source, locate=lambda path: _line(lines, path))


def _line(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest located parent."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


class _Plain:
    """Node tree -> plain Python data, recording the line of each key path."""

    def __init__(self, source: str, lines: dict[KeyPath, int]) -> None:
        self.source = source
        self.lines = lines
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TargetError(
                f"the document has more than {MAX_NODES:,} values (anchors and aliases that "
                "expand too much?).",
                source=self.source,
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN:
            raise TargetError(
                f"the tag {node.tag!r} is not allowed; a target journey is plain YAML.",
                source=self.source,
                line=node.start_mark.line + 1,
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node, path)
                if not isinstance(key, str):
                    raise TargetError(
                        f"keys must be words; got {key!r}.",
                        source=self.source,
                        line=key_node.start_mark.line + 1,
                    )
                child = (*path, key)
                if key in out:
                    raise TargetError(
                        f"the key {key!r} appears twice in the same mapping (first on line "
                        f"{self.lines[child]}); keep one.",
                        source=self.source,
                        line=key_node.start_mark.line + 1,
                        key=key,
                    )
                self.lines[child] = key_node.start_mark.line + 1
                out[key] = self.value(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise TargetError(
                "expected a single value here, not a list or mapping.",
                source=self.source,
                line=node.start_mark.line + 1,
            )
        try:
            return self.constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise TargetError(
                f"cannot read the value {node.value!r} ({getattr(exc, 'problem', exc)}); "
                "tags such as '!!python/...' are not allowed.",
                source=self.source,
                line=node.start_mark.line + 1,
            ) from None
