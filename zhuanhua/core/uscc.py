"""Unified social credit code (统一社会信用代码, GB 32100-2015).

python-stdnum checks the check character but insists on digits in the first two positions;
the standard also issues codes whose registering authority or entity type is a letter
(A 中央军委改革和编制办公室, N 农业农村部门, Y 其他 …), so those two positions are checked here
against the code alphabet and the check character is still stdnum's.
"""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

ERR_LENGTH = "统一社会信用代码应为18位"
ERR_FORMAT = "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）或第3–8位不是行政区划代码"
ERR_CHECKSUM = "统一社会信用代码校验位不正确，请核对"


class USCCError(ValueError):
    pass


def validate_uscc(value: str) -> str:
    """Return the compact code or raise USCCError with a Chinese message."""
    number = stdnum_uscc.compact(value or "")
    if len(number) != 18:
        raise USCCError(ERR_LENGTH)
    if any(ch not in ALPHABET for ch in number) or not number[2:8].isdigit():
        raise USCCError(ERR_FORMAT)
    try:
        return str(stdnum_uscc.validate(number))
    except InvalidLength:
        raise USCCError(ERR_LENGTH) from None
    except InvalidChecksum:
        raise USCCError(ERR_CHECKSUM) from None
    except InvalidFormat:
        # Letter in position 1 or 2: legal under GB 32100, so check the character ourselves.
        if number[-1] != stdnum_uscc.calc_check_digit(number):
            raise USCCError(ERR_CHECKSUM) from None
        return number


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)
