"""An organisation's own dashboard: every chart equals the same numbers computed directly from
the records, another organisation's data never appears, and only the user's own organisation
is ever read."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import achievement_create, achievement_transition
from zhuanhua.dashboards.org_charts import (
    ENTERPRISE,
    ORG_CHARTS,
    UNIT,
    OrgFilters,
    charts_for,
    org_chart_data,
)
from zhuanhua.dashboards.selectors import ERR_NO_ORG_DASHBOARD
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing.models import DistributionPlan, Inquiry, Licence, LicenceOffer, Payment
from zhuanhua.licensing.pricing import is_negotiated
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import (
    inquiry_open,
    licence_activate,
    offer_publish,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import OFFER_DATA, signed_pdf
from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price
from zhuanhua.needs.models import NeedResponse, TechnologyNeed
from zhuanhua.subsidies.models import Grant, SubsidyApplication
from zhuanhua.transfer.models import TransferReport
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

TODAY = timezone.localdate()


def _months_later(day: dt.date, n: int) -> dt.date:
    month = day.month - 1 + n
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _publish(manager, reviewer, title):
    from conftest import ACHIEVEMENT_DATA

    a = achievement_create(
        user=manager, data={**ACHIEVEMENT_DATA, "title": title}, completers=[{"name": "张三"}]
    )
    achievement_transition(user=manager, achievement=a, action="submit")
    return achievement_transition(user=reviewer, achievement=a, action="publish")


def _deal(manager, achievement, firm_user, terms, *, sign=True):
    """A licence through the real services: offer, inquiry, accepted terms, signed contract."""
    offer = LicenceOffer.objects.filter(achievement=achievement, is_active=True).first()
    if offer is None:
        offer = offer_publish(user=manager, achievement=achievement, data=dict(OFFER_DATA))
    inquiry = inquiry_open(user=firm_user, offer=offer, message="希望承接")
    version_propose(user=firm_user, inquiry=inquiry, terms=terms)
    licence = version_accept(user=manager, inquiry=inquiry, number=1)
    if sign and is_negotiated(licence):  # terms other than the offer's: 协议定价 (issue 20.7)
        clear_agreement_price(manager, licence)
    if sign:
        licence = licence_activate(
            user=manager, licence=licence, signed_on=TODAY, signed_pdf=signed_pdf()
        )
    return licence


FUTURE_TERMS = {
    "fee_model": "staged",
    "start": (TODAY - dt.timedelta(days=60)).isoformat(),
    "end": (TODAY + dt.timedelta(days=800)).isoformat(),
    "upfront_fee": "10000",
    "installments": [
        {"key": "一期", "amount": "20000", "due": (TODAY + dt.timedelta(days=40)).isoformat()},
        {"key": "二期", "amount": "30000", "due": (TODAY + dt.timedelta(days=200)).isoformat()},
        {"key": "三期", "amount": "5000", "due": (TODAY + dt.timedelta(days=500)).isoformat()},
    ],
}
OTHER_TERMS = {
    **FUTURE_TERMS,
    "upfront_fee": "777",
    "installments": [
        {"key": "一期", "amount": "888", "due": (TODAY + dt.timedelta(days=40)).isoformat()},
    ],
}


@pytest.fixture
def world(db, make_org, make_user, unit_a, unit_b, manager_a, manager_b, reviewer):
    """Unit A licenses to firm (its own dashboard's subject) and to rival; unit B to rival."""
    firm = make_org(name="昆明氢能科技有限公司", org_type="enterprise")
    rival = make_org(name="大理某某科技有限公司", org_type="enterprise")
    firm_user = make_user("firm_staff", firm, ["licensee_staff"])
    rival_user = make_user("rival_staff", rival, ["licensee_staff"])
    a1 = _publish(manager_a, reviewer, "成果甲")
    a2 = _publish(manager_a, reviewer, "成果乙")
    b1 = _publish(manager_b, reviewer, "成果丙")
    from conftest import ACHIEVEMENT_DATA

    achievement_create(
        user=manager_a, data={**ACHIEVEMENT_DATA, "title": "草稿"}, completers=[{"name": "李四"}]
    )
    firm_licence = _deal(manager_a, a1, firm_user, dict(FUTURE_TERMS))
    draft_licence = _deal(manager_a, a2, firm_user, dict(FUTURE_TERMS), sign=False)
    rival_licence = _deal(manager_a, a2, rival_user, dict(OTHER_TERMS))
    b_licence = _deal(manager_b, b1, rival_user, dict(OTHER_TERMS))
    return {
        "firm": firm,
        "rival": rival,
        "firm_user": firm_user,
        "rival_user": rival_user,
        "firm_licence": firm_licence,
        "draft_licence": draft_licence,
        "rival_licence": rival_licence,
        "b_licence": b_licence,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "manager_a": manager_a,
        "manager_b": manager_b,
    }


@pytest.fixture
def money(world):
    """Payments and distributions on both units' licences, in two months."""
    this_month = TODAY.replace(day=1)
    last_month = _months_later(TODAY, -1)
    Payment.objects.create(
        licence=world["firm_licence"], amount=Decimal("4000.00"), paid_on=last_month
    )
    Payment.objects.create(
        licence=world["rival_licence"],
        amount=Decimal("1500.50"),
        paid_on=last_month + dt.timedelta(days=3),
    )
    Payment.objects.create(
        licence=world["firm_licence"], amount=Decimal("2000.25"), paid_on=this_month
    )
    Payment.objects.create(
        licence=world["b_licence"], amount=Decimal("99999.00"), paid_on=this_month
    )
    for licence, income, net, year in [
        (world["firm_licence"], "6000.25", "5000.00", TODAY.year),
        (world["rival_licence"], "1500.50", "1400.00", TODAY.year - 1),
        (world["b_licence"], "99999.00", "90000.00", TODAY.year),
    ]:
        DistributionPlan.objects.create(
            licence=licence,
            income_amount=Decimal(income),
            net_income_amount=Decimal(net),
            shares=[],
            recorded_on=dt.date(year, 3, 1),
        )
    return world


F = OrgFilters(today=TODAY)


def test_sets_follow_the_organisation_type(world, department):
    assert {c.audience for c in charts_for(world["unit_a"])} == {UNIT}
    assert {c.audience for c in charts_for(world["firm"])} == {ENTERPRISE}
    assert charts_for(department) == []
    assert charts_for(None) == []
    with pytest.raises(KeyError):
        org_chart_data("ent_dues_by_month", world["unit_a"], F)


def test_unit_achievements_by_status_equal_direct_count(world):
    rows = dict(org_chart_data("unit_achievements_by_status", world["unit_a"], F).rows)
    direct = Counter(
        a.get_status_display() for a in Achievement.objects.filter(owner=world["unit_a"])
    )
    assert {k: v for k, v in rows.items() if v} == dict(direct) == {"已发布": 2, "草稿": 1}
    rows_b = dict(org_chart_data("unit_achievements_by_status", world["unit_b"], F).rows)
    assert {k: v for k, v in rows_b.items() if v} == {"已发布": 1}


def test_unit_deals_equal_direct_counts(money):
    unit = money["unit_a"]
    rows = dict(org_chart_data("unit_deals", unit, F).rows)
    assert rows["承接意向"] == Inquiry.objects.filter(licensor=unit).count() == 3
    assert rows["达成一致"] == Inquiry.objects.filter(licensor=unit, status="accepted").count()
    assert (
        rows["签约"] == Licence.objects.filter(licensor=unit).exclude(signed_on=None).count() == 2
    )
    assert rows["认定登记"] == 0
    paid = {p.licence_id for p in money["firm_licence"].payments.all()} | {
        p.licence_id for p in money["rival_licence"].payments.all()
    }
    assert rows["已收款"] == len(paid) == 2
    assert dict(org_chart_data("unit_deals", money["unit_b"], F).rows)["承接意向"] == 1


def test_unit_income_by_month_equals_sums_of_its_payments(money):
    unit = money["unit_a"]
    rows = dict(org_chart_data("unit_income_by_month", unit, F).rows)
    direct: Counter = Counter()
    for p in Payment.objects.all():
        if p.licence.licensor_id == unit.pk:
            direct[_label(p.paid_on)] += p.amount
    assert rows == dict(direct)
    assert rows[_label(TODAY)] == Decimal("2000.25")  # unit B's 99999 is not here
    year_rows = org_chart_data(
        "unit_income_by_month", unit, OrgFilters(year=TODAY.year - 5, today=TODAY)
    ).rows
    assert year_rows == []


def test_unit_distributions_equal_sums_by_year(money):
    unit = money["unit_a"]
    rows = org_chart_data("unit_distributions", unit, F).rows
    plans = [d for d in DistributionPlan.objects.all() if d.licence.licensor_id == unit.pk]
    direct = {}
    for d in plans:
        inc, net = direct.get(f"{d.recorded_on.year} 年", (Decimal(0), Decimal(0)))
        direct[f"{d.recorded_on.year} 年"] = (inc + d.income_amount, net + d.net_income_amount)
    assert {r[0]: tuple(r[1:]) for r in rows} == direct
    assert [r[0] for r in rows] == [f"{TODAY.year - 1} 年", f"{TODAY.year} 年"]
    this_year = org_chart_data("unit_distributions", unit, OrgFilters(year=TODAY.year, today=TODAY))
    assert this_year.rows == [[f"{TODAY.year} 年", Decimal("6000.25"), Decimal("5000.00")]]


def test_unit_transfer_reports_due_and_submitted(world):
    unit = world["unit_a"]
    y = TODAY.year
    for org, year, kind, status in [
        (unit, y - 2, "year", "submitted"),
        (unit, y - 1, "h1", "draft"),
        (unit, y, "h1", "submitted"),
        (world["unit_b"], y - 1, "year", "submitted"),
    ]:
        TransferReport.objects.create(
            organisation=org,
            year=year,
            period_kind=kind,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            status=status,
        )
    rows = org_chart_data("unit_transfer_reports", unit, F).rows
    direct = []
    for year in (y - 2, y - 1, y):
        mine = TransferReport.objects.filter(organisation=unit, year=year)
        submitted = mine.filter(status="submitted").count()
        direct.append(
            [
                f"{year} 年",
                submitted,
                mine.filter(status="draft").count(),
                int(year < y and not submitted),
            ]
        )
    assert (
        rows == direct == [[f"{y - 2} 年", 1, 0, 0], [f"{y - 1} 年", 0, 1, 1], [f"{y} 年", 1, 0, 0]]
    )


def _application(org, measure, status, requested, approved=None, claim_on=TODAY):
    return SubsidyApplication.objects.create(
        applicant=org,
        measure=measure,
        catalogue_version="t",
        applicant_type="enterprise",
        status=status,
        claim_on=claim_on,
        requested_amount=Decimal(requested),
        approved_amount=None if approved is None else Decimal(approved),
        engine_amount=Decimal(requested),
        engine_entitlement_amount=Decimal(requested),
    )


@pytest.fixture
def subsidies(world):
    made = [
        (world["firm"], "M7-1", "approved", "10000.00", "8000.00", "paid"),
        (world["firm"], "M7-1", "approved", "5000.00", "5000.00", "committed"),
        (world["firm"], "M9-1", "submitted", "3000.00", None, None),
        (world["unit_a"], "M8-1", "approved", "20000.00", "20000.00", "committed"),
        (world["rival"], "M7-1", "approved", "70000.00", "70000.00", "paid"),
    ]
    for org, measure, status, req, appr, grant_status in made:
        app = _application(org, measure, status, req, appr)
        if grant_status:
            Grant.objects.create(
                application=app,
                applicant=org,
                measure=measure,
                granted_on=TODAY,
                approved_on=TODAY,
                amount=Decimal(appr),
                status=grant_status,
            )
    return world


def test_grants_by_measure_equal_sums_of_grants(subsidies):
    for org, key in [
        (subsidies["firm"], "ent_grants_by_measure"),
        (subsidies["unit_a"], "unit_grants_by_measure"),
    ]:
        rows = org_chart_data(key, org, F).rows
        direct: dict[str, list] = {}
        for g in Grant.objects.filter(applicant=org):
            total, paid = direct.get(g.measure, [Decimal(0), Decimal(0)])
            direct[g.measure] = [total + g.amount, paid + (g.amount if g.status == "paid" else 0)]
        assert {r[0].split(" ")[0]: r[1:] for r in rows} == direct
    rows = org_chart_data("ent_grants_by_measure", subsidies["firm"], F).rows
    assert [r[1:] for r in rows] == [[Decimal("13000.00"), Decimal("8000.00")]]


def test_applications_by_status_equal_direct_sums(subsidies):
    firm = subsidies["firm"]
    rows = dict(org_chart_data("ent_applications", firm, F).rows)
    direct = Counter(
        a.get_status_display() for a in SubsidyApplication.objects.filter(applicant=firm)
    )
    # No prefecture bureau reviews on the platform here: the province checks and decides.
    assert {k: v for k, v in rows.items() if v} == dict(direct) == {"已批准": 2, "待省级审定": 1}
    assert rows["不予支持"] == 0


def test_enterprise_licences_by_status(world):
    rows = dict(org_chart_data("ent_licences_by_status", world["firm"], F).rows)
    direct = Counter(
        lic.get_status_display() for lic in Licence.objects.filter(licensee=world["firm"])
    )
    assert {k: v for k, v in rows.items() if v} == dict(direct) == {"履行中": 1, "待签合同": 1}


def test_enterprise_dues_by_month_follow_the_plan(money):
    """Firm's one active licence: upfront 10000 due 60 days ago (overdue; 6000.25 paid against
    it), 20000 in 40 days, 30000 in 200 days, 5000 in 500 days (beyond 12 months)."""
    firm = money["firm"]
    rows = org_chart_data("ent_dues_by_month", firm, F).rows
    assert len(rows) == 12
    assert rows[0][0] == _label(TODAY)
    by_month = {r[0]: r[1] for r in rows if r[1]}
    assert by_month == {
        _label(TODAY + dt.timedelta(days=40)): Decimal("20000.00"),
        _label(TODAY + dt.timedelta(days=200)): Decimal("30000.00"),
    }
    # the same from the engine directly, over the records
    schedule = licence_schedule(money["firm_licence"], TODAY)
    direct: Counter = Counter()
    horizon = _months_later(TODAY, 12)
    for o in schedule.obligations:
        if o.status == engine.OPEN and o.outstanding and o.due < horizon:
            direct[_label(o.due)] += o.outstanding
    assert by_month == dict(direct)
    status = dict(org_chart_data("ent_payables_status", firm, F).rows)
    assert status["逾期未付"] == schedule.totals.overdue == Decimal("3999.75")
    assert status["未来 12 个月到期"] == Decimal("50000.00")
    owed = sum(o.outstanding for o in schedule.obligations if o.outstanding)
    assert status["全部未付（已确定金额）"] == owed == Decimal("58999.75")


def test_enterprise_needs_and_responses(world, reviewer):
    def need(org, status, title):
        return TechnologyNeed.objects.create(
            owner=org,
            title=title,
            description="d",
            industry_field="food",
            prefecture="530100",
            status=status,
        )

    firm, rival = world["firm"], world["rival"]
    n1 = need(firm, "published", "需求一")
    need(firm, "draft", "需求二")
    n3 = need(firm, "closed", "需求三")
    n4 = need(rival, "published", "别家需求")
    achievements = list(Achievement.objects.filter(status="published"))
    for n, a in [
        (n1, achievements[0]),
        (n1, achievements[1]),
        (n3, achievements[0]),
        (n4, achievements[0]),
    ]:
        NeedResponse.objects.create(need=n, achievement=a, unit=a.owner, enterprise=n.owner)
    rows = {r[0]: r[1:] for r in org_chart_data("ent_needs", firm, F).rows}
    direct_needs = Counter(
        n.get_status_display() for n in TechnologyNeed.objects.filter(owner=firm)
    )
    direct_resp = Counter(
        r.need.get_status_display() for r in NeedResponse.objects.filter(enterprise=firm)
    )
    assert {k: v[0] for k, v in rows.items() if v[0]} == dict(direct_needs)
    assert {k: v[1] for k, v in rows.items() if v[1]} == dict(direct_resp)
    assert rows == {"草稿": [1, 0], "已发布": [1, 2], "已关闭": [1, 1]}


def test_enterprise_vouchers_equal_the_ledger(world):
    firm = world["firm"]
    y = TODAY.year
    quota = VoucherQuota.objects.create(
        enterprise=firm,
        year=y - 1,
        issued_amount=Decimal("50000.00"),
        spent_amount=Decimal("12000.00"),
        redeemed_amount=Decimal("5000.00"),
    )
    for amount, status in [("5000.00", "redeemed"), ("7000.00", "claimed"), ("900.00", "rejected")]:
        VoucherSpend.objects.create(
            quota=quota,
            enterprise=firm,
            year=y - 1,
            subject_type="x",
            subject_id=amount,
            contract_amount=Decimal("90000"),
            voucher_amount=Decimal(amount),
            status=status,
        )
    VoucherQuota.objects.create(enterprise=world["rival"], year=y, issued_amount=Decimal("1"))
    rows = org_chart_data("ent_vouchers", firm, F).rows
    spends = list(VoucherSpend.objects.filter(enterprise=firm))
    spent = sum(s.voucher_amount for s in spends if s.status != "rejected")
    redeemed = sum(s.voucher_amount for s in spends if s.status == "redeemed")
    pending = sum(s.voucher_amount for s in spends if s.status == "claimed")
    assert rows == [
        [f"{y - 1} 年", quota.issued_amount, spent, redeemed, pending, quota.issued_amount - spent],
        [
            f"{y} 年",
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
        ],
    ]


def test_every_org_chart_answers_on_an_empty_organisation(db, make_org):
    unit, firm = make_org(org_type="research_institute"), make_org(org_type="enterprise")
    for key, chart in ORG_CHARTS.items():
        org = unit if chart.audience == UNIT else firm
        data = org_chart_data(key, org, OrgFilters(year=TODAY.year, today=TODAY))
        assert data.columns, key


# ------------------------------------------------------------------------- pages and API


def test_api_reads_only_the_users_own_organisation(client, money):
    client.force_login(money["manager_b"])
    body = client.get("/api/dashboards/mine/charts/unit_income_by_month").json()
    assert body["rows"] == [[_label(TODAY), 99999.0]]
    # a parameter naming another organisation is ignored: still unit B's own numbers
    again = client.get(
        f"/api/dashboards/mine/charts/unit_income_by_month"
        f"?org={money['unit_a'].pk}&organisation_id={money['unit_a'].pk}"
    ).json()
    assert again["rows"] == body["rows"]
    assert client.get("/api/dashboards/mine/charts/ent_dues_by_month").status_code == 404
    assert client.get("/api/dashboards/mine/charts/nope").status_code == 404
    keys = client.get("/api/dashboards/mine/charts").json()
    assert keys == [c.key for c in charts_for(money["unit_b"])]
    client.force_login(money["rival_user"])
    rival = client.get("/api/dashboards/mine/charts/ent_payables_status").json()
    label = "全部未付（已确定金额）"
    assert dict(rival["rows"])[label] == float(
        dict(org_chart_data("ent_payables_status", money["rival"], F).rows)[label]
    )
    assert client.get("/api/dashboards/mine/charts/unit_income_by_month").status_code == 404


def test_page_lists_the_sets_chart_sources(client, world):
    client.force_login(world["firm_user"])
    response = client.get("/dashboards/mine/")
    assert response.status_code == 200
    body = response.content.decode()
    for chart in charts_for(world["firm"]):
        assert f'data-src="/api/dashboards/mine/charts/{chart.key}?"' in body
    assert "unit_income_by_month" not in body
    client.force_login(world["manager_a"])
    body = client.get("/dashboards/mine/?year=2026").content.decode()
    assert 'data-src="/api/dashboards/mine/charts/unit_income_by_month?year=2026"' in body
    assert "ent_dues_by_month" not in body


def test_users_without_an_organisation_dashboard_are_refused(
    client, make_user, make_org, reviewer, world
):
    lone = User.objects.create_user(username="lone", password="x", roles=[])
    client.force_login(lone)
    response = client.get("/dashboards/mine/")
    assert response.status_code == 403
    api = client.get("/api/dashboards/mine/charts/unit_income_by_month")
    assert api.status_code == 403
    assert api.json()["detail"] == ERR_NO_ORG_DASHBOARD
    assert client.get("/dashboards/mine/unit_income_by_month/table/").status_code == 403
    agency = make_user("agency", make_org(org_type="service_agency"), [])
    client.force_login(agency)
    assert client.get("/dashboards/mine/").status_code == 403
    assert client.get("/api/dashboards/mine/charts").status_code == 403
    client.force_login(reviewer)
    response = client.get("/dashboards/mine/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboards/"
    client.logout()
    assert client.get("/dashboards/mine/").status_code == 302  # to the login page
    assert client.get("/api/dashboards/mine/charts/unit_income_by_month").status_code == 401


def test_table_and_xlsx_hold_exactly_the_chart_rows(client, money):
    from openpyxl import load_workbook

    client.force_login(money["manager_a"])
    data = org_chart_data("unit_income_by_month", money["unit_a"], F)
    response = client.get("/dashboards/mine/unit_income_by_month.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert [[v[0], Decimal(str(v[1]))] for v in values] == data.rows
    body = client.get("/dashboards/mine/unit_income_by_month/table/").content.decode()
    assert f"<td>{_label(TODAY)}</td><td>2000.25</td>" in body
    assert "99999" not in body
    assert client.get("/dashboards/mine/ent_vouchers/table/").status_code == 404
    assert client.get("/dashboards/mine/ent_vouchers.xlsx").status_code == 404
