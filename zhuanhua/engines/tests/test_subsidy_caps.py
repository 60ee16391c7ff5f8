"""Subsidy engine: caps, scopes, prior grants, ordering and the "满 2 年" rule."""

from __future__ import annotations

from typing import Any

from zhuanhua.engines.subsidy import Result, evaluate, load_catalogue


def run_claims(
    claims: list[dict[str, Any]], prior: list[dict[str, Any]] | None = None
) -> list[Result]:
    return evaluate(claims, prior or [], load_catalogue())


def granted(results: list[Result]) -> list[str]:
    return [str(r.granted) for r in results]


def bindings(results: list[Result]) -> list[list[str]]:
    return [list(r.binding) for r in results]


def m7_1(cid: Any, date: str, base: str, applicant: str = "E", **more: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "measure": "M7-1",
        "applicant": applicant,
        "applicant_type": "enterprise",
        "date": date,
        "base": base,
        "registered": True,
        **more,
    }


def m13(
    code: str, cid: Any, date: str, base: str, counterparty: str = "T", **more: Any
) -> dict[str, Any]:
    claim = {
        "id": cid,
        "measure": code,
        "applicant": "V",
        "applicant_type": "venture_capital",
        "date": date,
        "base": base,
        "counterparty": counterparty,
        **more,
    }
    if code == "M13-1":
        claim.setdefault("paid_in_date", "2022-01-01")
    else:
        claim.setdefault("loss_confirmed", True)
    return claim


def test_requested_above_entitlement_does_not_bind() -> None:
    r = run_claims([m7_1("a", "2025-01-01", "100000", requested="50000")])[0]
    assert (str(r.entitlement), list(r.binding)) == ("20000.00", [])


def test_requested_zero_grants_nothing() -> None:
    r = run_claims([m7_1("a", "2025-01-01", "100000", requested="0")])[0]
    assert (str(r.entitlement), str(r.granted), list(r.binding)) == ("0.00", "0.00", ["requested"])


def test_entitlement_is_the_amount_after_item_cap_and_requested() -> None:
    results = run_claims([m7_1(i, "2025-01-01", "6000000", requested="900000") for i in range(5)])
    assert [str(r.entitlement) for r in results] == ["900000.00"] * 5
    assert granted(results) == ["900000.00", "900000.00", "900000.00", "300000.00", "0.00"]


def test_annual_cap_across_claims_in_one_run() -> None:
    results = run_claims([m7_1(i, f"2025-0{i + 1}-01", "6000000") for i in range(4)])
    assert granted(results) == ["1000000.00", "1000000.00", "1000000.00", "0.00"]
    assert bindings(results) == [
        ["item_cap"],
        ["item_cap"],
        ["item_cap"],
        ["item_cap", "annual_cap"],
    ]


def test_annual_cap_partly_left() -> None:
    results = run_claims(
        [
            m7_1(1, "2025-01-01", "12500000"),
            m7_1(2, "2025-02-01", "12500000"),
            m7_1(3, "2025-03-01", "4000000"),
            m7_1(4, "2025-04-01", "4000000"),
        ]
    )
    assert granted(results) == ["1000000.00", "1000000.00", "800000.00", "200000.00"]
    assert list(results[3].binding) == ["annual_cap"]


def test_annual_cap_restarts_each_calendar_year() -> None:
    claims = [m7_1(i, "2025-12-31", "5000000") for i in range(3)]
    claims.append(m7_1(3, "2026-01-01", "5000000"))
    claims.append(m7_1(4, "2025-12-31", "5000000"))
    assert granted(run_claims(claims)) == [
        "1000000.00",
        "1000000.00",
        "1000000.00",
        "1000000.00",
        "0.00",
    ]


def test_annual_cap_is_per_applicant() -> None:
    claims = [m7_1(i, "2025-05-01", "5000000", applicant=f"E{i % 2}") for i in range(8)]
    assert granted(run_claims(claims)) == ["1000000.00"] * 6 + ["0.00"] * 2


def test_annual_cap_counts_prior_grants_of_the_same_year_only() -> None:
    prior = [
        {"measure": "M7-1", "applicant": "E", "date": "2025-02-01", "amount": "2500000"},
        {"measure": "M7-1", "applicant": "E", "date": "2026-02-01", "amount": "3000000"},
        {"measure": "M7-1", "applicant": "other", "date": "2025-02-01", "amount": "3000000"},
    ]
    results = run_claims([m7_1("a", "2025-06-01", "6000000"), m7_1("b", "2026-06-01", "10")], prior)
    assert granted(results) == ["500000.00", "0.00"]
    assert bindings(results) == [["item_cap", "annual_cap"], ["annual_cap"]]


def test_prior_grant_dated_after_the_claim_still_counts() -> None:
    prior = [{"measure": "M13-3", "applicant": "E", "date": "2025-12-01", "amount": "150000"}]
    claim = {
        "id": 1,
        "measure": "M13-3",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-01-01",
        "base": "200000",
    }
    assert granted(run_claims([claim], prior)) == ["50000.00"]


def test_prior_grant_above_the_cap_leaves_nothing() -> None:
    prior = [{"measure": "M14-1", "applicant": "E", "date": "2025-01-01", "amount": "900000"}]
    claim = {
        "id": 1,
        "measure": "M14-1",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-03-01",
        "base": "1000",
    }
    r = run_claims([claim], prior)[0]
    assert (str(r.granted), list(r.binding)) == ("0.00", ["annual_cap"])


def test_annual_cap_of_m10_2_is_per_platform() -> None:
    claims = [
        {
            "id": i,
            "measure": "M10-2",
            "applicant": "U",
            "applicant_type": "university",
            "date": "2025-03-01",
            "base": "4000000",
            "subject": f"P{i % 2}",
        }
        for i in range(4)
    ]
    assert granted(run_claims(claims)) == ["800000.00", "800000.00", "200000.00", "200000.00"]


def test_m9_2_annual_cap_of_a_million() -> None:
    claims = [
        {
            "id": i,
            "measure": "M9-2",
            "applicant": "S",
            "applicant_type": "service_agency",
            "date": "2025-03-01",
            "base": "20000000",
            "registered": True,
        }
        for i in range(3)
    ]
    assert granted(run_claims(claims)) == ["600000.00", "400000.00", "0.00"]


def test_cumulative_cap_per_counterparty() -> None:
    claims = [m13("M13-1", i, f"2025-0{i + 1}-01", "15000000") for i in range(3)]
    claims.append(m13("M13-1", 3, "2025-05-01", "15000000", counterparty="U"))
    results = run_claims(claims)
    assert granted(results) == ["1000000.00", "1000000.00", "0.00", "1000000.00"]
    assert list(results[2].binding) == ["item_cap", "cumulative_cap"]


def test_cumulative_cap_spans_years() -> None:
    claims = [
        m13("M13-1", 1, "2025-03-01", "15000000"),
        m13("M13-1", 2, "2026-03-01", "7000000"),
        m13("M13-1", 3, "2027-03-01", "7000000"),
    ]
    assert granted(run_claims(claims)) == ["1000000.00", "700000.00", "300000.00"]


def test_risk_and_loss_subsidies_have_separate_pools() -> None:
    claims = [
        m13("M13-1", 1, "2025-01-01", "10000000"),
        m13("M13-1", 2, "2025-02-01", "10000000"),
        m13("M13-2", 3, "2025-03-01", "10000000"),
        m13("M13-2", 4, "2025-04-01", "10000000"),
        m13("M13-2", 5, "2025-05-01", "10000000"),
    ]
    results = run_claims(claims)
    assert granted(results) == ["1000000.00", "1000000.00", "1000000.00", "1000000.00", "0.00"]
    assert list(results[4].binding) == ["cumulative_cap"]


def test_cumulative_cap_counts_prior_grants_of_the_same_pool_only() -> None:
    prior = [
        {
            "measure": "M13-1",
            "applicant": "V",
            "counterparty": "T",
            "date": "2020-01-01",
            "amount": "1800000",
        },
        {
            "measure": "M13-2",
            "applicant": "V",
            "counterparty": "T",
            "date": "2020-01-01",
            "amount": "100000",
        },
    ]
    results = run_claims(
        [m13("M13-1", 1, "2025-01-01", "5000000"), m13("M13-2", 2, "2025-01-01", "5000000")], prior
    )
    assert granted(results) == ["200000.00", "500000.00"]


def test_once_per_applicant_across_runs() -> None:
    prior = [{"measure": "M12-1", "applicant": "B", "date": "2023-05-01", "amount": "500000"}]
    claim = {
        "id": "x",
        "measure": "M12-1",
        "applicant": "B",
        "applicant_type": "university",
        "date": "2025-05-01",
    }
    r = run_claims([claim], prior)[0]
    assert (str(r.entitlement), str(r.granted), list(r.binding)) == ("500000.00", "0.00", ["once"])


def test_once_ignores_a_prior_grant_of_zero() -> None:
    prior = [{"measure": "M7-3", "applicant": "E", "date": "2023-05-01", "amount": "0"}]
    claim = {
        "id": "x",
        "measure": "M7-3",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-05-01",
    }
    assert granted(run_claims([claim], prior)) == ["500000.00"]


def test_once_per_applicant_and_subject_for_pilot_platforms() -> None:
    claims = [
        {
            "id": i,
            "measure": "M10-1",
            "applicant": "U",
            "applicant_type": "university",
            "date": f"2025-0{i + 1}-01",
            "subject": s,
        }
        for i, s in enumerate("ABA")
    ]
    results = run_claims(claims)
    assert granted(results) == ["2000000.00", "2000000.00", "0.00"]
    assert bindings(results) == [[], [], ["once"]]


def test_once_named_even_when_requested_already_made_it_zero() -> None:
    claims = [
        {
            "id": i,
            "measure": "M12-1",
            "applicant": "E",
            "applicant_type": "enterprise",
            "date": "2025-01-01",
            "requested": "0" if i else "100",
        }
        for i in range(2)
    ]
    assert bindings(run_claims(claims)) == [["requested"], ["requested", "once"]]


def test_once_after_a_lower_first_grant_pays_nothing_more() -> None:
    claims = [
        {
            "id": i,
            "measure": "M11-2",
            "applicant": "E",
            "applicant_type": "enterprise",
            "date": f"2025-0{i + 1}-01",
            "subject": "base",
            "requested": r,
        }
        for i, r in enumerate(["1000000", "3000000"])
    ]
    assert granted(run_claims(claims)) == ["1000000.00", "0.00"]


def _standard(cid: Any, date: str, level: str, subject: str = "GB 1") -> dict[str, Any]:
    return {
        "id": cid,
        "measure": "M8-2",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": date,
        "level": level,
        "subject": subject,
    }


def test_highest_only_tops_up_to_the_higher_level() -> None:
    results = run_claims(
        [
            _standard(1, "2025-01-01", "local"),
            _standard(2, "2025-02-01", "national"),
            _standard(3, "2025-03-01", "international"),
        ]
    )
    assert granted(results) == ["50000.00", "250000.00", "200000.00"]
    assert bindings(results) == [[], ["highest_only"], ["highest_only"]]


def test_highest_only_pays_nothing_for_a_lower_level() -> None:
    results = run_claims(
        [
            _standard(1, "2025-01-01", "national"),
            _standard(2, "2025-02-01", "industry"),
            _standard(3, "2025-03-01", "national"),
        ]
    )
    assert granted(results) == ["300000.00", "0.00", "0.00"]
    assert [str(r.entitlement) for r in results] == ["300000.00", "100000.00", "300000.00"]
    assert bindings(results) == [[], ["highest_only"], ["highest_only"]]


def test_highest_only_is_per_subject() -> None:
    results = run_claims(
        [_standard(1, "2025-01-01", "national", "A"), _standard(2, "2025-02-01", "national", "B")]
    )
    assert granted(results) == ["300000.00", "300000.00"]


def test_highest_only_counts_prior_grants() -> None:
    prior = [
        {
            "measure": "M8-1",
            "applicant": "E",
            "subject": "chip",
            "date": "2024-01-01",
            "amount": "1500000",
        }
    ]
    claim = {
        "id": 1,
        "measure": "M8-1",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-01-01",
        "base": "10000000",
        "subject": "chip",
    }
    r = run_claims([claim], prior)[0]
    assert (str(r.entitlement), str(r.granted), list(r.binding)) == (
        "2000000.00",
        "500000.00",
        ["highest_only"],
    )
    assert r.explanation[1] == (
        "同一企业同类成果（chip）已获本措施补助 1,500,000.00 元，"
        "按“就高不就低”原则补足差额 500,000.00 元。"
    )


def test_highest_only_of_m8_1_ignores_m8_2_grants() -> None:
    prior = [
        {
            "measure": "M8-2",
            "applicant": "E",
            "subject": "chip",
            "date": "2024-01-01",
            "amount": "500000",
        }
    ]
    claim = {
        "id": 1,
        "measure": "M8-1",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-01-01",
        "base": "1000000",
        "subject": "chip",
    }
    assert granted(run_claims([claim], prior)) == ["200000.00"]


def test_claims_are_evaluated_by_date_then_id_and_returned_in_input_order() -> None:
    claims = [
        m7_1("c", "2025-03-01", "6000000"),
        m7_1("b", "2025-01-01", "6000000"),
        m7_1("z", "2025-02-01", "6000000"),
        m7_1("a", "2025-03-01", "6000000"),
    ]
    results = run_claims(claims)
    assert [r.id for r in results] == ["c", "b", "z", "a"]
    assert granted(results) == ["0.00", "1000000.00", "1000000.00", "1000000.00"]


def test_integer_ids_sort_numerically() -> None:
    claims = [
        m7_1(10, "2025-01-01", "6000000"),
        m7_1(9, "2025-01-01", "6000000"),
        m7_1(100, "2025-01-01", "6000000"),
        m7_1(2, "2025-01-01", "6000000"),
    ]
    assert granted(run_claims(claims)) == ["1000000.00", "1000000.00", "0.00", "1000000.00"]


def test_integer_ids_sort_before_string_ids() -> None:
    claims = [
        m7_1("1", "2025-01-01", "7500000"),
        m7_1(5, "2025-01-01", "7500000"),
        m7_1("0", "2025-01-01", "7500000"),
        m7_1(7, "2025-01-01", "7500000"),
    ]
    assert granted(run_claims(claims)) == ["0.00", "1000000.00", "1000000.00", "1000000.00"]


def test_string_ids_sort_by_code_point() -> None:
    claims = [
        m7_1("claim-9", "2025-01-01", "7500000"),
        m7_1("claim-10", "2025-01-01", "7500000"),
        m7_1("claim-1", "2025-01-01", "7500000"),
        m7_1("claim-11", "2025-01-01", "7500000"),
    ]
    assert granted(run_claims(claims)) == ["0.00", "1000000.00", "1000000.00", "1000000.00"]


def _vc(date: str, paid_in: str) -> Result:
    return run_claims([m13("M13-1", 1, date, "1000000", paid_in_date=paid_in)])[0]


def test_holding_period_not_met_on_the_second_anniversary() -> None:
    assert list(_vc("2026-03-10", "2024-03-10").reasons) == ["holding_period"]


def test_holding_period_met_the_day_after_the_second_anniversary() -> None:
    r = _vc("2026-03-11", "2024-03-10")
    assert (r.eligible, str(r.granted)) == (True, "100000.00")


def test_holding_period_from_29_february_ends_on_28_february() -> None:
    assert list(_vc("2026-02-28", "2024-02-29").reasons) == ["holding_period"]
    assert _vc("2026-03-01", "2024-02-29").eligible is True


def test_holding_period_into_a_leap_year() -> None:
    assert _vc("2028-02-28", "2026-02-28").eligible is False
    assert _vc("2028-02-29", "2026-02-28").eligible is True


def test_holding_period_year_end() -> None:
    assert _vc("2026-12-31", "2024-12-31").eligible is False
    assert _vc("2027-01-01", "2024-12-31").eligible is True


def test_binding_lists_steps_in_evaluation_order() -> None:
    prior = [{"measure": "M7-1", "applicant": "E", "date": "2025-01-01", "amount": "2300000"}]
    r = run_claims([m7_1("a", "2025-06-01", "6000000", requested="800000")], prior)[0]
    assert (str(r.granted), list(r.binding)) == (
        "700000.00",
        ["item_cap", "requested", "annual_cap"],
    )
    assert r.explanation == [
        "按实际到账额 6,000,000.00 元的 20% 计 1,200,000.00 元，超过单个项目上限 "
        "1,000,000.00 元，按上限计 1,000,000.00 元。",
        "申请金额 800,000.00 元低于可补助额 1,000,000.00 元，按申请金额计 800,000.00 元。",
        "2025 年度每家企业补助上限 3,000,000.00 元，已获 2,300,000.00 元，剩余 700,000.00 元，"
        "按剩余额计 700,000.00 元。",
        "本次最高可给予补助 700,000.00 元（评审可核减，不可超出）。",
    ]
