"""Yunnan's 16 prefecture-level divisions (GB/T 2260), plus "outside Yunnan".

The full names match ../shared/data/geo so the dashboard map joins on them.
"""

from __future__ import annotations

PREFECTURES: dict[str, str] = {
    "530100": "昆明市",
    "530300": "曲靖市",
    "530400": "玉溪市",
    "530500": "保山市",
    "530600": "昭通市",
    "530700": "丽江市",
    "530800": "普洱市",
    "530900": "临沧市",
    "532300": "楚雄彝族自治州",
    "532500": "红河哈尼族彝族自治州",
    "532600": "文山壮族苗族自治州",
    "532800": "西双版纳傣族自治州",
    "532900": "大理白族自治州",
    "533100": "德宏傣族景颇族自治州",
    "533300": "怒江傈僳族自治州",
    "533400": "迪庆藏族自治州",
}
OUTSIDE_YUNNAN = "000000"
PREFECTURE_CHOICES: list[tuple[str, str]] = [*PREFECTURES.items(), (OUTSIDE_YUNNAN, "云南省外")]


def prefecture_name(code: str) -> str:
    return dict(PREFECTURE_CHOICES).get(code, code)
