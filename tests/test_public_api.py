"""The public surface: one flat namespace, loaded lazily, every name documented."""

from __future__ import annotations

import subprocess
import sys

import journeymap as jm


def test_every_public_name_resolves_and_is_documented() -> None:
    assert set(jm.__all__) == set(jm._EXPORTS) | {"errors"}
    for name in jm.__all__:
        value = getattr(jm, name)
        if callable(value):
            assert value.__doc__, f"journeymap.{name} has no docstring"


def test_import_is_light() -> None:
    code = "import sys, journeymap; print('pandas' in sys.modules, 'pm4py' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
