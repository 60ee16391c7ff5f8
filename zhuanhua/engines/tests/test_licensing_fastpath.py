"""The fast path of licensing.run() agrees with the reference (Decimal) path (hypothesis).

run() answers with _run_fast when it accepts a document and with _run_reference otherwise;
so the fast path must never accept a document the reference refuses, nor answer differently.
Random valid licences come from the property tests' strategy; broken and oddly spelled ones
are made by replacing one value anywhere in such a document.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanhua.engines.common import InputError
from zhuanhua.engines.licensing import _run_fast, _run_reference, run
from zhuanhua.engines.tests.test_licensing_properties import documents

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values a field may be replaced with: other spellings of valid values and invalid ones.
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    7,
    -1,
    "",
    " ",
    "0",
    "-0",
    "-0.00",
    "0.00",
    "1",
    "1.5",
    "12.345",
    " 2.00 ",
    "1e3",
    "1E+20",
    "1_000.00",
    "NaN",
    "Infinity",
    "-5.00",
    "abc",
    "999999999999999.99",
    "1000000000000000",
    Decimal("12.5"),
    Decimal("0.05"),
    Decimal("1.001"),
    "0.05",
    "0.0500000",
    "0.05000000000000000000000000000001",
    "1.0000001",
    "2024-01-01",
    "2024-02-30",
    "20240101",
    "2023-12-31",
    "2030-06-30",
    "quarter",
    "half",
    "year",
    "royalty",
    "staged",
    "m1",
    "s0",
    [],
    {},
    [1],
]


def _slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a JSON document."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            found.extend(_slots(value))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            found.extend(_slots(value))
    return found


@st.composite
def broken_documents(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(draw(documents()))
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(doc)
        container, key = draw(st.sampled_from(slots))
        action = draw(st.integers(0, 9))
        if action == 0 and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))  # a duplicate entry
        elif action == 1 and isinstance(container, dict):
            del container[key]
        else:
            container[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    return doc


def _reference_outcome(doc: Any) -> tuple[str, Any]:
    try:
        return ("ok", _run_reference(doc))
    except InputError as exc:
        return ("error", (exc.path, exc.message))
    except Exception as exc:  # noqa: BLE001 - compare whatever the reference raises
        return ("raised", type(exc).__name__)


def _check(doc: Any) -> None:
    outcome = _reference_outcome(copy.deepcopy(doc))
    try:
        fast = _run_fast(copy.deepcopy(doc))
    except Exception:  # noqa: BLE001 - not taken by the fast path: run() uses the reference
        fast = None
    if fast is not None:
        assert outcome == ("ok", fast)
    # run() as a whole gives the reference's answer or refusal.
    try:
        result: tuple[str, Any] = ("ok", run(copy.deepcopy(doc)))
    except InputError as exc:
        result = ("error", (exc.path, exc.message))
    except Exception as exc:  # noqa: BLE001
        result = ("raised", type(exc).__name__)
    assert result == outcome


@SETTINGS
@given(documents())
def test_fast_path_takes_valid_documents_and_agrees(doc: dict[str, Any]) -> None:
    assert _run_fast(copy.deepcopy(doc)) == _run_reference(doc)


@SETTINGS
@given(broken_documents())
def test_fast_path_agrees_or_defers_on_broken_documents(doc: dict[str, Any]) -> None:
    _check(doc)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("payments", 0, "amount"), "0"),
        (("payments", 0, "amount"), "-0.00"),
        (("payments", 0, "ref"), " "),
        (("payments", 0, "ref"), 5),
        (("revenue_reports", 0, "revenue"), "0"),
        (("revenue_reports", 0, "revenue"), 120),
        (("revenue_reports", 0, "period_start"), "20240101"),
        (("contract", "royalty", "rate"), "0.05000000000000000000000000000001"),
        (("contract", "royalty", "rate"), Decimal("0.05")),
        (("contract", "upfront_fee"), "-0"),
        (("contract", "id"), 42),
    ],
)
def test_odd_spellings(path: tuple[Any, ...], value: Any) -> None:
    doc: dict[str, Any] = {
        "as_of": "2025-06-30",
        "contract": {
            "id": "L1",
            "fee_model": "royalty",
            "start": "2024-01-01",
            "end": "2026-12-31",
            "upfront_fee": "1000.00",
            "royalty": {"period": "quarter", "rate": "0.05"},
        },
        "revenue_reports": [
            {
                "period_start": "2024-01-01",
                "period_end": "2024-03-31",
                "revenue": "10000.00",
                "reported_on": "2024-04-10",
            }
        ],
        "payments": [{"date": "2024-05-01", "amount": "300.00", "ref": "R1"}],
    }
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    _check(doc)
