import pytest

from zhuanhua.core.uscc import ERR_CHECKSUM, ERR_FORMAT, ERR_LENGTH, USCCError, validate_uscc


def test_valid_uscc_passes_and_is_compacted():
    assert validate_uscc(" 91110000600037341L ") == "91110000600037341L"


def test_lowercase_check_character_is_accepted():
    assert validate_uscc("91110000600037341l") == "91110000600037341L"


def test_wrong_check_character_is_refused_with_checksum_message():
    with pytest.raises(USCCError) as exc:
        validate_uscc("91110000600037341M")
    assert str(exc.value) == ERR_CHECKSUM


@pytest.mark.parametrize("code", ["N2530100MJ0000001W", "Y1530100MA0000001D", "A1530100MB0000003P"])
def test_letter_first_codes_with_right_check_character_pass(code):
    from stdnum.cn.uscc import calc_check_digit

    expected = code[:17] + calc_check_digit(code[:17])
    assert validate_uscc(expected) == expected


def test_letter_first_code_with_wrong_check_character_is_refused():
    from stdnum.cn.uscc import calc_check_digit

    good = "N2530100MJ0000001" + calc_check_digit("N2530100MJ0000001")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(USCCError) as exc:
        validate_uscc(bad)
    assert str(exc.value) == ERR_CHECKSUM


def test_wrong_length_is_refused():
    with pytest.raises(USCCError) as exc:
        validate_uscc("12345")
    assert str(exc.value) == ERR_LENGTH


@pytest.mark.parametrize("code", ["91110000600037341O", "9111A000600037341L", "I1110000600037341L"])
def test_forbidden_characters_or_letter_in_region_are_refused(code):
    with pytest.raises(USCCError) as exc:
        validate_uscc(code)
    assert str(exc.value) == ERR_FORMAT
