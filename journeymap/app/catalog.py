"""The bundled samples as the Data page lists them (read from :mod:`journeymap.samples`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    name: str
    title: str
    description: str
    path: str
    file_name: str
    goal: tuple[str, ...]
    gap: str | None
    target_path: str | None


def names() -> list[str]:
    return []


def default_name() -> str | None:
    found = names()
    return found[0] if found else None


def get(name: str) -> Sample:
    raise KeyError(name)


def title(name: str) -> str:
    return get(name).title


def description(name: str) -> str:
    return get(name).description


def target(name: str) -> Any:
    return None
