"""The engine's input refusals reach people in Chinese only (no "填写有误：must not be negative"),
through the engines' one catalogue (engines/messages.py)."""

from zhuanhua.core.inputs import ERR_INVALID
from zhuanhua.engines.common import InputError
from zhuanhua.subsidies.services import engine_input_message


def test_engine_refusals_are_chinese_by_code() -> None:
    assert engine_input_message(
        InputError("claims[0].base", "must not be negative", "negative")
    ) == ("不能为负数")
    assert engine_input_message(InputError("x", "at most two decimals", "two_decimals")) == (
        "最多保留两位小数"
    )
    assert engine_input_message(InputError("x", "something new", "unheard_of")) == ERR_INVALID
