"""The engine's input refusals reach people in Chinese only (no "填写有误：must not be negative")."""

from zhuanhua.core.inputs import ERR_INVALID, ERR_MONEY_NEGATIVE, ERR_MONEY_SCALE
from zhuanhua.engines.common import InputError
from zhuanhua.subsidies.services import engine_input_message


def test_engine_refusals_are_chinese_by_code() -> None:
    assert engine_input_message(
        InputError("claims[0].base", "must not be negative", "negative")
    ) == (ERR_MONEY_NEGATIVE)
    assert engine_input_message(InputError("x", "at most two decimals", "two_decimals")) == (
        ERR_MONEY_SCALE
    )
    assert engine_input_message(InputError("x", "something new", "unheard_of")) == ERR_INVALID
