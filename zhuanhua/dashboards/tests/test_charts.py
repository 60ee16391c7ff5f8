"""Every chart's numbers equal the same numbers computed directly from the records."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import achievement_create, achievement_transition
from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.dashboards.charts import CHARTS, PUBLIC_CHARTS, Filters, chart_data
from zhuanhua.licensing.factories import licence_for
from zhuanhua.licensing.models import ContractRegistration, Licence, Payment
from zhuanhua.transfer.models import UseFirstListEntry


@pytest.fixture
def spread(db, make_org, make_user, reviewer):
    """Published achievements in three prefectures and two ip types, one draft, over two years."""
    made = []
    for n, (pref, ip, year) in enumerate(
        [
            ("530100", "patent", 2025),
            ("530100", "software_copyright", 2026),
            ("532900", "patent", 2026),
            ("533400", "plant_variety", 2026),
        ]
    ):
        org = make_org(prefecture=pref, org_type="university" if n % 2 else "research_institute")
        user = make_user(f"m{n}", org, ["achievement_manager"])
        data = {
            "title": f"成果{n}",
            "summary": "摘要",
            "industry_field": "food",
            "ip_type": ip,
            "ip_number": f"NO{n}",
            "ip_acquired_on": dt.date(2023, 1, 1),
            "trl": 5,
        }
        a = achievement_create(user=user, data=data, completers=[{"name": "甲"}])
        achievement_transition(user=user, achievement=a, action="submit")
        achievement_transition(user=reviewer, achievement=a, action="publish")
        Achievement.objects.filter(pk=a.pk).update(
            published_at=dt.datetime(year, 5, 1, tzinfo=dt.UTC)
        )
        made.append(a)
    achievement_create(user=user, data={**data, "title": "草稿"}, completers=[{"name": "乙"}])
    return made


def _published():
    return list(Achievement.objects.filter(status="published"))


def test_achievements_by_prefecture_equals_direct_count(spread):
    rows = dict(chart_data("achievements_by_prefecture", Filters()).rows)
    direct = Counter(PREFECTURES[a.prefecture] for a in _published())
    assert {k: v for k, v in rows.items() if v} == dict(direct)
    assert len(rows) == 16


def test_year_filter_applies_to_publication_date(spread):
    rows = dict(chart_data("achievements_by_prefecture", Filters(year=2026)).rows)
    direct = Counter(PREFECTURES[a.prefecture] for a in _published() if a.published_at.year == 2026)
    assert {k: v for k, v in rows.items() if v} == dict(direct)


def test_prefecture_and_org_type_filters(spread):
    rows = dict(chart_data("achievements_by_ip_type", Filters(prefecture="530100")).rows)
    direct = Counter(a.get_ip_type_display() for a in _published() if a.prefecture == "530100")
    assert {k: v for k, v in rows.items() if v} == dict(direct)
    rows = dict(chart_data("achievements_by_ip_type", Filters(org_type="university")).rows)
    direct = Counter(
        a.get_ip_type_display() for a in _published() if a.owner.org_type == "university"
    )
    assert {k: v for k, v in rows.items() if v} == dict(direct)


def test_ip_type_and_field_charts_list_every_choice(spread):
    assert len(chart_data("achievements_by_ip_type", Filters()).rows) == len(IpType.choices)
    field_rows = dict(chart_data("achievements_by_field", Filters()).rows)
    assert len(field_rows) == len(IndustryField.choices)
    assert field_rows["食品与轻工"] == len(_published())


@pytest.fixture
def licence_data(spread, make_org):
    """Two licences on the first achievement: one signed, registered and paid in 2026."""
    a = spread[0]
    firm = make_org(org_type="enterprise", name="企业甲")
    signed = licence_for(a, firm, signed_on=dt.date(2026, 2, 1))
    licence_for(a, firm, fee_model="staged", license_mode="non_exclusive")
    ContractRegistration.objects.create(
        licence=signed,
        contract_type="license",
        registration_number="5301-2026-1",
        registry="昆明市技术市场",
        registered_on=dt.date(2026, 2, 10),
        transaction_amount=Decimal("600000.00"),
        technical_income_amount=Decimal("500000.00"),
    )
    Payment.objects.create(licence=signed, amount=Decimal("1500.50"), paid_on=dt.date(2026, 3, 5))
    Payment.objects.create(licence=signed, amount=Decimal("2000.00"), paid_on=dt.date(2026, 3, 20))
    return signed


def test_amounts_by_month_equal_sums_of_records(licence_data):
    rows = {r[0]: (r[1], r[2]) for r in chart_data("amounts_by_month", Filters()).rows}
    received = sum(p.amount for p in Payment.objects.filter(paid_on__month=3))
    contracts = sum(c.transaction_amount for c in ContractRegistration.objects.all())
    assert rows == {"2026-02": (contracts, Decimal("0.00")), "2026-03": (Decimal("0.00"), received)}


def test_fee_model_and_funnel_equal_direct_counts(licence_data):
    fee = dict(chart_data("licences_by_fee_model", Filters()).rows)
    direct = Counter(lic.get_fee_model_display() for lic in Licence.objects.all())
    assert {k: v for k, v in fee.items() if v} == dict(direct)
    funnel = dict(chart_data("transfer_funnel", Filters()).rows)
    assert funnel["签约"] == Licence.objects.exclude(signed_on=None).count() == 1
    assert funnel["认定登记"] == 1
    assert funnel["已付款"] == 1


def test_use_first_list_counts_joins_and_leaves(spread):
    UseFirstListEntry.objects.create(achievement=spread[0], joined_on=dt.date(2026, 1, 5))
    UseFirstListEntry.objects.create(
        achievement=spread[1], joined_on=dt.date(2026, 1, 20), left_on=dt.date(2026, 3, 2)
    )
    rows = chart_data("use_first_list", Filters()).rows
    assert rows == [["2026-01", 2, 0, 2], ["2026-03", 0, 1, 1]]


def test_every_chart_answers_on_an_empty_database(db):
    for key in CHARTS:
        data = chart_data(key, Filters(year=2026))
        assert data.columns


def test_dashboard_is_for_the_department_only(client, manager_a, reviewer, spread):
    client.force_login(manager_a)
    assert client.get("/dashboards/").status_code == 403
    assert client.get("/api/dashboards/charts/achievements_by_field").status_code == 403
    client.force_login(reviewer)
    assert client.get("/dashboards/").status_code == 200
    body = client.get("/api/dashboards/charts/achievements_by_field").json()
    assert body["rows"][0] == ["电子信息", 0]


def test_xlsx_download_holds_exactly_the_chart_rows(client, reviewer, spread):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(reviewer)
    response = client.get("/dashboards/achievements_by_ip_type.xlsx?year=2026")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert values == chart_data("achievements_by_ip_type", Filters(year=2026)).rows


def test_table_view_shows_the_rows(client, reviewer, spread):
    client.force_login(reviewer)
    body = client.get("/dashboards/achievements_by_prefecture/table/").content.decode()
    assert "<td>昆明市</td><td>2</td>" in body


@pytest.mark.parametrize("year", ["", "2025"])
@pytest.mark.parametrize("prefecture", ["", "530100", "532500"])
@pytest.mark.parametrize("org_type", ["", "university", "enterprise"])
def test_every_chart_answers_under_every_filter_combination(
    client, reviewer, spread, year, prefecture, org_type
):
    client.force_login(reviewer)
    query = f"year={year}&prefecture={prefecture}&org_type={org_type}"
    for key in CHARTS:
        response = client.get(f"/api/dashboards/charts/{key}?{query}")
        assert response.status_code == 200, (key, query, response.content[:200])
        assert response.json()["key"] == key


def test_a_blank_year_means_every_year(client, reviewer, spread):
    client.force_login(reviewer)
    key = "achievements_by_prefecture"
    blank = client.get(f"/api/dashboards/charts/{key}?year=&prefecture=530100").json()
    absent = client.get(f"/api/dashboards/charts/{key}?prefecture=530100").json()
    assert blank["rows"] == absent["rows"]
    assert client.get(f"/api/dashboards/charts/{key}?year=abc").status_code == 422


def test_public_dashboard_is_open_to_anyone_with_the_public_charts_only(client, spread):
    page = client.get("/dashboards/public/?year=&prefecture=530100")
    assert page.status_code == 200
    body = page.content.decode()
    for key in PUBLIC_CHARTS:
        assert f'data-src="/api/dashboards/public/charts/{key}?' in body
    assert "licence_alerts" not in body
    assert client.get("/api/dashboards/public/charts").json() == list(PUBLIC_CHARTS)
    for key in PUBLIC_CHARTS:
        for query in ("", "?year=", "?prefecture=530100", "?year=2025&prefecture=532500"):
            response = client.get(f"/api/dashboards/public/charts/{key}{query}")
            assert response.status_code == 200, (key, query)
        assert client.get(f"/dashboards/public/{key}/table/").status_code == 200
        assert client.get(f"/dashboards/public/{key}.xlsx").status_code == 200
    for key in set(CHARTS) - set(PUBLIC_CHARTS):
        assert client.get(f"/api/dashboards/public/charts/{key}").status_code == 404
        assert client.get(f"/dashboards/public/{key}/table/").status_code == 404
    assert client.get("/api/dashboards/charts/achievements_by_field").status_code == 401


def test_public_figures_equal_the_department_figures(client, reviewer, spread):
    public = client.get("/api/dashboards/public/charts/achievements_by_prefecture").json()
    client.force_login(reviewer)
    department = client.get("/api/dashboards/charts/achievements_by_prefecture").json()
    assert public["rows"] == department["rows"]
    assert sum(row[1] for row in public["rows"]) == len(_published())
