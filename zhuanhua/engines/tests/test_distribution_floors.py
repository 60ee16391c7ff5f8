"""Measure 6 floors on each kind of income (licence, assignment, equity, 横向), through run()
and the console script ``zhuanhua distribution check``. Every figure is computed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zhuanhua.engines import distribution
from zhuanhua.engines.common import InputError

ZHUANHUA = Path(sys.executable).with_name("zhuanhua")


def cli(doc: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZHUANHUA), "distribution", "check", "-"],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def plan(kind: str, income: str, costs: list[str], r: str, s: str, u: str, **extra: Any) -> dict:
    return {
        "income_kind": kind,
        "income": income,
        "costs": costs,
        "researcher": r,
        "transfer_staff": s,
        "unit": u,
        **extra,
    }


# (case, document, researcher floor, staff floor, finding codes)
CASES = [
    # licence: 100 000 − 20 000 = 80 000 net; 50 % = 40 000.
    ("licence at the floor", plan("licence", "100000", ["20000"], "40000", "0", "40000"), "40000.00", None, []),
    ("licence a cent below", plan("licence", "100000", ["20000"], "39999.99", "0", "40000.01"), "40000.00", None, ["researcher_floor"]),
    # assignment: 500 000 net, no costs; 50 % = 250 000.
    ("assignment at the floor", plan("assignment", "500000", [], "250000", "0", "250000"), "250000.00", None, []),
    ("assignment below", plan("assignment", "500000", [], "200000", "0", "300000"), "250000.00", None, ["researcher_floor"]),
    # equity: shares valued 3 000 000 less 12 000 evaluation fee = 2 988 000; 50 % = 1 494 000.
    ("equity at the floor", plan("equity", "3000000", ["12000"], "1494000", "0", "1494000"), "1494000.00", None, []),
    ("equity below", plan("equity", "3000000", ["12000"], "1493999.99", "0", "1494000.01"), "1494000.00", None, ["researcher_floor"]),
    # 横向 registered as development: 100 000 − 10 000 = 90 000; 70 % = 63 000; the unit's
    # share before the staff reward 27 000; 10 % = 2 700.
    (
        "横向 at both floors",
        plan("industry", "100000", ["10000"], "63000", "2700", "24300", registered=True, contract_type="development", staff_reward_chosen=True),
        "63000.00", "2700.00", [],
    ),
    (
        "横向 below both floors",
        plan("industry", "100000", ["10000"], "62999.99", "2699.99", "24300.02", registered=True, contract_type="service", staff_reward_chosen=True),
        "63000.00", "2700.00", ["researcher_floor", "transfer_staff_floor"],
    ),
    # a registered consulting contract at 65 %: 50 % would pass, 70 % does not (65 000 < 70 000).
    (
        "横向 consulting at 65 %",
        plan("industry", "100000", [], "65000", "0", "35000", registered=True, contract_type="consulting"),
        "70000.00", None, ["researcher_floor"],
    ),
    # licence with the staff reward: unit's share 60 000 + 4 000 = 64 000 → 10 % = 6 400.
    (
        "licence staff below",
        plan("licence", "120000", [], "56000", "4000", "60000", staff_reward_chosen=True),
        "60000.00", "6400.00", ["researcher_floor", "transfer_staff_floor"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "doc", "floor", "staff", "codes"), CASES, ids=[c[0] for c in CASES]
)
def test_floors_by_kind_of_income(case: str, doc: dict, floor: str, staff: str | None, codes: list[str]) -> None:  # fmt: skip
    out = distribution.run(doc)
    assert out["researcher_floor"] == floor
    assert out["transfer_staff_floor"] == staff
    assert [f["code"] for f in out["findings"]] == codes
    assert out["meets_floors"] is (not codes)


def test_unregistered_industry_contract_has_no_seventy_percent_floor() -> None:
    out = distribution.run(plan("industry", "100000", [], "10000", "0", "90000"))
    assert out["researcher_floor"] is None
    assert out["findings"] == []
    assert out["notes"] == [distribution.NOTE_INDUSTRY_NOT_REGISTERED]
    # registered, but as a technology transfer: the 70 % of measure 6 does not apply either
    out = distribution.run(
        plan(
            "industry",
            "100000",
            [],
            "10000",
            "0",
            "90000",
            registered=True,
            contract_type="transfer",
        )
    )
    assert out["researcher_floor"] is None


def test_cli_prints_the_check_and_exits_0() -> None:
    done = cli(CASES[7][1])
    assert (done.returncode, done.stderr) == (0, "")
    out = json.loads(done.stdout)
    assert out["net_income"] == "90000.00"
    assert [f["code"] for f in out["findings"]] == ["researcher_floor", "transfer_staff_floor"]
    assert "63000.00" in out["findings"][0]["message"]


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (plan("royalty", "1", [], "1", "0", "0"), "income_kind"),
        (plan("licence", "100", ["200"], "0", "0", "0"), "costs"),
        (plan("licence", "100", [], "50", "0", "49"), "researcher"),
        (plan("licence", "100.001", [], "50", "0", "50"), "income"),
    ],
)
def test_bad_input_names_the_field(doc: dict, path: str) -> None:
    with pytest.raises(InputError) as exc:
        distribution.run(doc)
    assert exc.value.path == path
    done = cli(doc)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}:")
