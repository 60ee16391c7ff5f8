import pytest

from zhuanhua.engines.common import InputError, parse_money


def test_huge_amount_is_an_input_error_not_a_crash() -> None:
    with pytest.raises(InputError) as exc:
        parse_money("1e999999", "claims[0].base")
    assert (exc.value.path, exc.value.message) == ("claims[0].base", "amount too large")


def test_subsidy_cli_refuses_a_huge_base_with_exit_2() -> None:
    import subprocess
    import sys

    doc = (
        '{"claims": [{"id": "a", "measure": "M7-1", "applicant": "x", "applicant_type": '
        '"enterprise", "date": "2026-01-05", "base": "1e999999", "registered": true}]}'
    )
    done = subprocess.run(
        [sys.executable, "-m", "zhuanhua.cli", "subsidy", "evaluate", "-"],
        input=doc,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: claims[0].base")
