"""Subsidy engine: the console script ``zhuanhua subsidy evaluate FILE|-``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ZHUANHUA = Path(sys.executable).with_name("zhuanhua")


def cli(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZHUANHUA), "subsidy", "evaluate", *(args or ("-",))],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


CLAIM: dict[str, Any] = {
    "id": "k-1",
    "measure": "M7-1",
    "applicant": "E",
    "applicant_type": "enterprise",
    "date": "2025-05-01",
    "base": "6000000.00",
    "registered": True,
}


def test_cli_prints_results_and_exits_0() -> None:
    done = cli(json.dumps({"claims": [CLAIM]}))
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        "results": [
            {
                "id": "k-1",
                "measure": "M7-1",
                "eligible": True,
                "reasons": [],
                "entitlement": "1000000.00",
                "granted": "1000000.00",
                "binding": ["item_cap"],
                "explanation": [
                    "按实际到账额 6,000,000.00 元的 20% 计 1,200,000.00 元，超过单个项目上限 "
                    "1,000,000.00 元，按上限计 1,000,000.00 元。",
                    "2025 年度每家企业补助上限 3,000,000.00 元，已获 0.00 元，"
                    "剩余 3,000,000.00 元。",
                    "本次最高可给予补助 1,000,000.00 元（评审可核减，不可超出）。",
                ],
            }
        ]
    }


def test_cli_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text(
        json.dumps(
            {
                "claims": [CLAIM],
                "prior_grants": [
                    {"measure": "M7-1", "applicant": "E", "date": "2025-01-01", "amount": 2500000}
                ],
            }
        )
    )
    done = cli("", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["results"][0]["granted"] == "500000.00"


def test_cli_numbers_in_json_stay_exact() -> None:
    done = cli(
        '{"claims": [{"id": 1, "measure": "M14-1", "applicant": "E", '
        '"applicant_type": "enterprise", "date": "2025-01-01", "base": 0.35}]}'
    )
    assert json.loads(done.stdout)["results"][0]["granted"] == "0.18"


def test_cli_bad_field_exits_2_naming_the_path() -> None:
    done = cli(json.dumps({"claims": [CLAIM, dict(CLAIM, id="k-2", base="-1")]}))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: claims[1].base: must not be negative (claim k-2)\n"


def test_cli_unknown_measure_exits_2() -> None:
    done = cli(json.dumps({"claims": [dict(CLAIM, measure="M15-1")]}))
    assert (done.returncode, done.stderr) == (
        2,
        "error: claims[0].measure: unknown measure 'M15-1' (claim k-1)\n",
    )


def test_cli_invalid_json_exits_2() -> None:
    done = cli("{claims")
    assert done.returncode == 2
    assert done.stderr.startswith("error: (document): invalid JSON")


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    done = cli("", str(tmp_path / "none.json"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot read")
