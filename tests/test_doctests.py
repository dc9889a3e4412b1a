"""The examples in the docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "journeymap._validation",
    "journeymap.progress",
    "journeymap.model.eventlog",
    "journeymap.model.friction",
    "journeymap.model.journeymap",
    "journeymap.mining.columns",
    "journeymap.mining.ingest",
    "journeymap.mining.mine",
    "journeymap.mining.alignment",
    "journeymap.mining.walks",
    "journeymap.mining.filters",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
    assert result.attempted > 0, f"{name} has no docstring example"
