"""engines/messages.py: every refusal code the engines raise has a Chinese sentence, and the one
renderer names the field in Chinese."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zhuanhua.engines import licensing, messages
from zhuanhua.engines.common import InputError

ENGINES = Path(messages.__file__).parent


def _raised_codes() -> set[str]:
    """The code argument of every InputError(...) and subsidy _fail(...) call in the engines."""
    codes: set[str] = set()
    for source in ENGINES.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = {"InputError": 2, "_fail": 4}.get(node.func.id)
            if position is None or len(node.args) <= position:
                continue
            code = node.args[position]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.add(code.value)
    return codes


def test_every_code_the_engines_raise_has_a_chinese_sentence() -> None:
    codes = _raised_codes()
    assert {"terminated_outside_term", "reversed_before_date", "duplicate_report"} <= codes
    assert sorted(codes - set(messages.MESSAGES)) == []


def test_unknown_code_is_the_generic_sentence() -> None:
    assert messages.chinese(InputError("x", "something new")) == "填写有误"


def test_sentence_takes_the_error_params() -> None:
    doc = {
        "as_of": "2025-01-01",
        "contract": {
            "id": "L",
            "fee_model": "royalty",
            "start": "2024-01-01",
            "end": "2024-12-31",
            "royalty": {"period": "quarter", "rate": "0.05"},
        },
        "revenue_reports": [
            {
                "period_start": "2024-01-01",
                "period_end": "2024-03-30",
                "revenue": "1",
                "reported_on": "2024-04-01",
            }
        ],
    }
    with pytest.raises(InputError) as caught:
        licensing.run(doc)
    assert messages.chinese_with_field(caught.value) == (
        "收入报告第 1 项·周期截止日（revenue_reports[0].period_end）："
        "与报告周期的截止日不符（应为 2024-03-31）"
    )


def test_field_labels_number_installments_and_tiers() -> None:
    assert messages.field_label("royalty.tiers[1].up_to") == "收入提成·第 2 档·档位上限"
    assert messages.field_label("contract.installments[0].amount") == "合同·第 1 笔阶段性支付·金额"
    assert messages.field_label("claims[3].base") == "申请第 4 项·计算基数"
    assert messages.field_label("", "支付条款") == "支付条款"


def test_terminated_on_refusal_in_chinese() -> None:
    with pytest.raises(InputError) as caught:
        licensing.parse_terms(
            {
                "id": "L",
                "fee_model": "staged",
                "start": "2024-01-01",
                "end": "2024-12-31",
                "terminated_on": "2025-02-01",
                "installments": [{"key": "a", "amount": "1", "due": "2024-02-01"}],
            }
        )
    assert messages.chinese_with_field(caught.value) == (
        "合同·提前终止日（contract.terminated_on）："
        "提前终止日应在许可期限内（不早于起始日、不晚于终止日）"
    )
