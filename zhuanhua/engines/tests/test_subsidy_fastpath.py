"""The shortcuts of the subsidy engine's hot loop agree with the code they replace (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanhua.engines.common import InputError
from zhuanhua.engines.subsidy import _date_id_order, _money, evaluate, load_catalogue

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MONEY_TEXTS = st.one_of(
    st.text(alphabet="0123456789.-+eE_ N", max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.integers(-5, 10**16).map(str),
    st.sampled_from(["-0", "-0.00", "0", "NaN", "Infinity", " 2.00 ", "1e3", "1_000.5"]),
)


def _outcome(field: str, value: Any) -> tuple[str, Any]:
    claim = {
        "id": "c1",
        "measure": "M7-1",
        "applicant": "A1",
        "applicant_type": "enterprise",
        "date": "2026-04-21",
        "base": "1000.00",
        "registered": True,
        field: value,
    }
    try:
        result = evaluate([claim], None, load_catalogue())[0]
    except InputError as exc:
        return ("error", exc.message.removesuffix(" (claim c1)"))
    except Exception as exc:  # noqa: BLE001 - e.g. InvalidOperation for "1e999999", as before
        return ("raised", type(exc).__name__)
    parsed = result._base if field == "base" else result._requested
    return ("ok", str(parsed))


def _expected(value: Any) -> tuple[str, Any]:
    try:
        return ("ok", str(_money(value, "x")))
    except InputError as exc:
        return ("error", exc.message)
    except Exception as exc:  # noqa: BLE001
        return ("raised", type(exc).__name__)


@SETTINGS
@given(MONEY_TEXTS, st.sampled_from(["base", "requested"]))
def test_inlined_money_parse_matches__money(value: str, field: str) -> None:
    assert _outcome(field, value) == _expected(value)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
            st.one_of(
                st.integers(-50, 50).map(lambda n: (0, n)),
                st.text(max_size=4).map(lambda t: (1, t)),
            ),
        ),
        max_size=40,
        unique_by=lambda row: row[1],
    ),
    st.booleans(),
)
def test_date_id_order_is_the_sort_on_triples(rows: list[Any], one_kind: bool) -> None:
    if one_kind:
        rows = [(day, (1, str(idk[1]))) for day, idk in rows]
        rows = list({idk: (day, idk) for day, idk in rows}.values())
    keys = [(day, kind, cid) for day, (kind, cid) in rows]
    ordinals = [day.toordinal() for day, _, _ in keys]
    ids = [cid for _, _, cid in keys]
    assert _date_id_order(ordinals, ids) == sorted(range(len(keys)), key=keys.__getitem__)


def test_decimal_ids_count_as_integers() -> None:
    days = [dt.date(2025, 1, 2), dt.date(2025, 1, 1), dt.date(2025, 1, 1)]
    ids = [3, int(Decimal("7")), "a"]
    assert _date_id_order([d.toordinal() for d in days], ids) == [1, 2, 0]
