"""The target-journey file: format, round trips, and one precise message per mistake."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pandas as pd
import pytest

import journeymap as jm
from journeymap.errors import JourneymapError, TargetError

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
name: Online order
goal: Order confirmed
description: the checkout as designed in 2025
stages:
  - name: Discover
    steps:
      - touchpoint: Product page
        channel: web
        optional: true
        effort: 2
        max_wait: 2d
        aliases: [Product detail, PDP]
      - Add to cart
  - name: Buy
    description: pay and confirm
    steps:
      - touchpoint: Payment
        max_wait: 90 min
      - touchpoint: Order confirmed
        channel: email
"""


def error_for(text: str) -> TargetError:
    with pytest.raises(TargetError) as info:
        jm.TargetJourney.from_yaml(text)
    return info.value


def test_reads_every_key() -> None:
    t = jm.TargetJourney.from_yaml(GOOD)
    assert t.name == "Online order" and t.goal == ("Order confirmed",)
    assert [s.name for s in t.stages] == ["Discover", "Buy"]
    assert t.touchpoints == ("Product page", "Add to cart", "Payment", "Order confirmed")
    page = t.step("PDP")  # found by alias
    assert page.touchpoint == "Product page" and page.channel == "web" and page.optional
    assert (page.effort, page.max_wait_s, page.max_wait) == (2, 172800.0, "2d")
    assert page.aliases == ("Product detail", "PDP")
    assert t.step("Payment").max_wait_s == 5400.0 and t.step("Payment").max_wait == "90m"
    assert t.step("Add to cart") == jm.TargetStep("Add to cart")
    assert t.stage_of("Payment") == "Buy" and t.stages[1].description == "pay and confirm"
    assert t.name_map["Product detail"] == "Product page"


def test_round_trips_through_yaml_dict_and_file(tmp_path: Path) -> None:
    t = jm.TargetJourney.from_yaml(GOOD)
    assert jm.TargetJourney.from_yaml(t.to_yaml()) == t
    assert jm.TargetJourney.from_dict(t.to_dict()) == t
    path = tmp_path / "order.target.yaml"
    text = t.to_yaml(path)
    assert path.read_text(encoding="utf-8") == text
    again = jm.TargetJourney.from_yaml(path)
    assert again.source == "order.target.yaml" and again.stages == t.stages
    assert "aliases: [Product detail, PDP]" in text  # short lists stay on one line
    assert "- Add to cart" in text  # a bare step is written bare


def test_goal_defaults_to_the_last_step_and_may_use_an_alias() -> None:
    t = jm.TargetJourney.from_dict({"name": "N", "stages": [{"name": "S", "steps": ["A", "B"]}]})
    assert t.goal == ("B",)
    t = jm.TargetJourney.from_yaml(GOOD.replace("goal: Order confirmed", "goal: [PDP, Payment]"))
    assert t.goal == ("Product page", "Payment")


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        (GOOD.replace("channel: web", "chanel: web"), 8, "chanel", "Did you mean 'channel'?"),
        (GOOD.replace("      - Add to cart", "      - Product page"), 13, "touchpoint",
         "duplicate touchpoint 'Product page'"),
        (GOOD.replace("      - Add to cart", "      - PDP"), 13, "touchpoint",
         "it already names step 'Product page' (line 12)"),
        (GOOD.replace("goal: Order confirmed", "goal: Order confirmd"), 2, "goal",
         "Did you mean 'Order confirmed'?"),
        (GOOD.replace("max_wait: 2d", "max_wait: two days"), 11, "max_wait",
         "'max_wait' must be a duration with a unit such as 30m, 2h, 5d"),
        (GOOD.replace("max_wait: 2d", "max_wait: 48"), 11, "max_wait", "got 48"),
        (GOOD.replace("effort: 2", "effort: 7"), 10, "effort", "from 1 (effortless) to 5"),
        (GOOD.replace("optional: true", "optional: maybe"), 9, "optional", "true or false"),
        (GOOD.replace("name: Online order", "name: Online order\nname: Again"), 2, "name",
         "appears twice in the same mapping (first on line 1)"),
        (GOOD.replace("steps:\n      - touchpoint: Payment", "stepz:\n      - touchpoint: Pay"),
         16, "stepz", "Allowed keys: name, description, steps"),
        (GOOD.replace("touchpoint: Payment", "touchpoint: 404"), 17, "touchpoint",
         "must be text; got a number 404"),
        (GOOD.replace("  - name: Buy", "  - name: Discover"), 14, "name",
         "duplicate stage name 'Discover'"),
        ("name: N\nstages: []\n", 2, "stages", "non-empty list"),
        ("name: N\n", 1, "stages", "missing key 'stages'"),
        ("name: N\nstages:\n  - name: S\n    steps:\n      - channel: web\n", 5, "touchpoint",
         "missing key 'touchpoint'"),
    ],
)  # fmt: skip
def test_each_mistake_is_named_with_its_line_and_key(
    text: str, line: int, key: str | None, words: str
) -> None:
    err = error_for(text)
    assert err.source == "<yaml text>"
    assert (err.line, err.key) == (line, key), str(err)
    assert words in str(err)
    assert str(err).startswith(f"<yaml text>, line {line}")
    assert isinstance(err, ValueError) and isinstance(err, JourneymapError)


def test_the_file_name_leads_the_message(tmp_path: Path) -> None:
    path = tmp_path / "shop.target.yaml"
    path.write_text(GOOD.replace("effort: 2", "effort: high"), encoding="utf-8")
    with pytest.raises(TargetError, match=r"^shop\.target\.yaml, line 10, key 'effort': "):
        jm.TargetJourney.from_yaml(path)
    with pytest.raises(TargetError, match="no such target file"):
        jm.TargetJourney.from_yaml(tmp_path / "missing.yaml")


def test_invalid_yaml_gets_its_line() -> None:
    err = error_for("name: N\nstages:\n  - name: S\n   steps: [A\n")
    assert err.line is not None and "not valid YAML" in str(err)


def test_hostile_yaml_is_refused() -> None:
    err = error_for("name: !!python/object/apply:os.system ['echo hi']\nstages: []\n")
    assert "not allowed" in str(err) and err.line == 1
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    assert "more than" in str(error_for("name: N\nstages: []\n" + bomb))
    assert "larger than" in str(error_for("name: N\n" + "#" * 1_000_001 + "\n"))


def test_every_sample_target_is_valid_and_round_trips() -> None:
    files = sorted((ROOT / "sample_logs").glob("*.target.yaml"))
    assert len(files) == 3
    for path in files:
        t = jm.TargetJourney.from_yaml(path)
        assert t.goal and all(s.steps for s in t.stages)
        assert jm.TargetJourney.from_yaml(t.to_yaml()).stages == t.stages


def test_process_tree_and_petri_net() -> None:
    t = jm.TargetJourney.from_yaml(GOOD)
    assert str(t.to_process_tree()) == (
        "->( ->( X( 'Product page', tau ), 'Add to cart' ), ->( 'Payment', 'Order confirmed' ) )"
    )
    net, im, fm = t.to_petri_net()
    labels = sorted(x.label for x in net.transitions if x.label)
    assert labels == sorted(t.touchpoints) and len(im) == 1 and len(fm) == 1


def test_suggest_starts_from_the_most_common_converting_path() -> None:
    rows = []
    for i in range(6):  # 4 x (Visit, Cart, Pay, Done), 2 x (Visit, Help) that do not convert
        path = ["Visit", "Cart", "Pay", "Cart", "Done"] if i < 4 else ["Visit", "Help"]
        for k, step in enumerate(path):
            hour = 10 + (3 if k >= 2 else 0) + k  # the long wait is Cart -> Pay
            rows.append((f"c{i}", step, f"2025-01-0{1 + i} {hour:02d}:00:00", "web"))
    df = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "timestamp", "channel"])
    jmap = jm.mine(jm.read_log(df), goal="Done", horizon="1m")
    t = jm.TargetJourney.suggest(jmap, name="Shop")
    assert t.name == "Shop" and t.touchpoints == ("Visit", "Cart", "Pay", "Done")
    assert t.goal == ("Done",)
    assert [len(s.steps) for s in t.stages] == [2, 2]  # split at the longest wait, Cart -> Pay
    assert t.step("Visit").channel == "web" and t.step("Visit").max_wait == "1h"
    assert "4 converted journeys" in t.description
    assert jm.TargetJourney.from_yaml(t.to_yaml()) == t


@pytest.mark.parametrize(
    "name",
    [
        "journeymap.model.target",
        "journeymap.model.comparison",
        "journeymap.mining.suggest",
        "journeymap.mining.conformance",
    ],
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
