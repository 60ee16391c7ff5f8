"""The contract draft PDF from the accepted version: Chinese font, amounts in figures and capitals."""

from __future__ import annotations

import re
import zlib
from decimal import Decimal

import pytest

from zhuanhua.licensing.contract import amount_both, amount_words, contract_html, percent


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1000000", "壹佰万元整"),
        ("10000.00", "壹万元整"),
        ("50000.5", "伍万元伍角"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_capitals(value, words):
    assert amount_words(value) == words


def test_amount_in_figures_and_capitals():
    assert amount_both(Decimal("1000000")) == "1,000,000.00 元（大写：壹佰万元整）"
    assert percent("0.05") == "5%"
    assert percent("0.125") == "12.5%"


def test_contract_html_carries_the_accepted_terms(licence):
    html = contract_html(licence)
    for text in (
        "技术许可合同（先使用后付费）",
        "第 1 版",
        "云南大学（测试）",
        "昆明氢能科技有限公司",
        "一种固态储氢材料的制备方法",
        "ZL202110000001.1",
        "普通许可",
        "储能设备",
        "云南省",
        "10,000.00 元（大写：壹万元整）",
        "首付节点",
        "50,000.00 元（大写：伍万元整）",
        "按实际收入的 5% 计付",
        "30 日内",
        "2025年1月1日 至 2026年12月31日",
    ):
        assert text in html, text


def test_contract_pdf_for_parties_only(client, licence, licensee_user, outsider):
    url = f"/licensing/licences/{licence.pk}/contract.pdf"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(licensee_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert b"Noto-Sans-CJK-SC" in b"".join(_inflated(body))  # the CJK font is embedded


def _inflated(pdf: bytes) -> list[bytes]:
    """The PDF's compressed streams, inflated (font names live in object streams)."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return out
