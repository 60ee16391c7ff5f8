"""Local measures (指引第七条（三）): prefectures and parks add measures to the catalogue with the
provincial kinds of rate, cap, scope and condition, limited to their area and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from zhuanhua.audit.models import AuditEntry
from zhuanhua.engines.subsidy import Measure
from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.models import Grant, LocalMeasure, ParkResident, SubsidyApplication
from zhuanhua.subsidies.tests.conftest import approved as _approved
from zhuanhua.subsidies.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def _measure(code: str) -> Measure:
    found = selectors.measure_or_none(code)
    assert found is not None, code
    return found


DAY = dt.date(2026, 6, 1)


def measure_data(**over: Any) -> dict[str, Any]:
    """曲靖市: 20% of the received amount, ≤ 200,000 per item, ≤ 300,000 per enterprise a year."""
    data: dict[str, Any] = {
        "title": "曲靖市企业吸纳成果奖励",
        "issuer": "曲靖市科学技术局",
        "document": "曲科发〔2026〕8号",
        "source_text": "按实际到账额的20%给予不超过20万元奖励。",
        "prefecture": "530300",
        "applicant_types": ["enterprise"],
        "amount_kind": "rated",
        "base": "实际到账额",
        "rate_percent": "20",
        "item_cap_amount": "200000",
        "scope1_kind": "annual",
        "scope1_amount": "300000",
        "registered": True,
        "effective_from_on": dt.date(2026, 1, 1),
        "effective_to_on": dt.date(2026, 12, 31),
    }
    data.update(over)
    return data


def apply(user: Any, code: str, day: dt.date = DAY, **data: Any) -> SubsidyApplication:
    data.setdefault("base_amount", Decimal("500000.00"))
    data.setdefault("registered", True)
    return services.application_submit(
        user=user, measure=code, data=data, uploads=[("bank_slip", pdf())], today=day
    )


@pytest.fixture
def qujing(reviewer: Any) -> LocalMeasure:
    return services.local_measure_save(user=reviewer, data=measure_data())


@pytest.fixture
def park(make_org: Any) -> Any:
    return make_org(
        name="曲靖经济技术开发区管理委员会", org_type="park_or_zone", prefecture="530300"
    )


@pytest.fixture
def park_admin(park: Any, make_user: Any) -> Any:
    return make_user("park_admin", park, ["org_admin"])


# ----------------------------------------------------------------------------- the catalogue


def test_reviewer_adds_a_prefecture_measure_to_the_catalogue(
    qujing: LocalMeasure, reviewer: Any
) -> None:
    assert qujing.code == f"L5303-{qujing.pk:03d}"
    m = selectors.measure_or_none(qujing.code)
    assert m is not None
    assert (m.rate, m.item_cap, m.region) == (
        Decimal("0.2000"),
        Decimal("200000.00"),
        frozenset({"5303"}),
    )
    assert (m.effective_from, m.effective_to) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(s.kind, s.amount) for s in m.scopes] == [("annual", Decimal("300000.00"))]
    assert "M7-1" in selectors.catalogue().measures  # the provincial measures stay
    entry = AuditEntry.objects.get(action="subsidy_local_measure.create")
    assert entry.object_id == str(qujing.pk)
    assert entry.actor_id == reviewer.pk


def test_an_edit_shows_in_the_catalogue_at_once(qujing: LocalMeasure, reviewer: Any) -> None:
    assert _measure(qujing.code).rate == Decimal("0.2000")
    services.local_measure_save(
        user=reviewer, data=measure_data(rate_percent="12.5"), measure=qujing
    )
    assert _measure(qujing.code).rate == Decimal("0.1250")
    qujing.refresh_from_db()
    assert qujing.revision == 2
    assert AuditEntry.objects.filter(action="subsidy_local_measure.update").count() == 1


def test_catalogue_page_shows_local_measures_beside_the_provincial_ones(
    client: Client, qujing: LocalMeasure
) -> None:
    body = client.get(reverse("subsidies:catalogue")).content.decode()
    assert body.count('data-testid="measure"') == 17
    assert body.count('data-testid="local-measure"') == 1
    assert "州（市）和园区措施（1 项）" in body
    assert "适用地区：曲靖市" in body
    assert "有效期 2026-01-01 至 2026-12-31" in body
    assert "年度上限：同一申请主体每年不超过 300,000.00 元" in body


def test_measures_api_labels_local_measures(client: Client, qujing: LocalMeasure) -> None:
    measures = client.get("/api/subsidies/measures").json()["measures"]
    local = [m for m in measures if m["local"]]
    assert [(m["code"], m["area"], m["region"], m["effective_to"]) for m in local] == [
        (qujing.code, "曲靖市", ["5303"], "2026-12-31")
    ]
    assert next(m for m in measures if m["code"] == "M7-1")["area"] is None


# ----------------------------------------------------------------------------- area and dates


def test_local_measure_applies_to_an_applicant_in_its_prefecture(
    qujing: LocalMeasure, firm_user: Any, reviewer: Any
) -> None:
    app = apply(firm_user, qujing.code)  # firm is in 曲靖市 (530300)
    assert app.engine_amount == Decimal("100000.00")
    grant = _approved(services.application_approve(user=reviewer, application=app, today=DAY))
    assert grant.amount == Decimal("100000.00")


def test_local_measure_refuses_an_applicant_of_another_prefecture(
    qujing: LocalMeasure, other_firm_user: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(other_firm_user, qujing.code)  # 昆明市
    assert exc.value.messages == ["不符合本措施的申请条件：不在本措施适用地区"]
    assert not SubsidyApplication.objects.exists()


def test_local_measure_refuses_claims_outside_its_dates(
    qujing: LocalMeasure, firm_user: Any
) -> None:
    for day in (dt.date(2025, 12, 31), dt.date(2027, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            apply(firm_user, qujing.code, day=day)
        assert exc.value.messages == ["不符合本措施的申请条件：不在本措施有效期内"]
    assert not SubsidyApplication.objects.exists()


def test_local_annual_cap_binds_in_its_own_pool(
    qujing: LocalMeasure, firm_user: Any, reviewer: Any
) -> None:
    # A provincial M7-1 grant does not use up the local pool.
    _approved(
        services.application_approve(user=reviewer, application=apply(firm_user, "M7-1"), today=DAY)
    )
    amounts = []
    for _ in range(2):
        app = apply(firm_user, qujing.code, base_amount=Decimal("1000000.00"))
        amounts.append(
            _approved(
                services.application_approve(user=reviewer, application=app, today=DAY)
            ).amount
        )
    assert amounts == [Decimal("200000.00"), Decimal("100000.00")]
    assert list(Grant.objects.filter(measure=qujing.code).values_list("amount", flat=True)) == [
        Decimal("100000.00"),
        Decimal("200000.00"),
    ]


def test_whatif_explains_the_area_in_names(
    client: Client, qujing: LocalMeasure, other_firm_user: Any
) -> None:
    c = Client()
    c.force_login(other_firm_user)
    body = c.post(
        reverse("subsidies:whatif"),
        {"measure": qujing.code, "base_amount": "500000", "registered": "on"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "不符合申请条件：不在本措施适用地区" in body
    assert "本措施仅适用于曲靖市的申请主体，申请主体所在州（市）为昆明市。" in body
    # A visitor picks where the organisation is.
    body = client.post(
        reverse("subsidies:whatif"),
        {
            "measure": qujing.code,
            "applicant_type": "enterprise",
            "applicant_region": "5303",
            "base_amount": "500000",
            "registered": "on",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert '<span data-testid="preview-amount">100,000.00</span>' in body


# ----------------------------------------------------------------------------- parks


def test_park_measure_applies_only_to_registered_residents(
    park: Any, park_admin: Any, firm: Any, firm_user: Any, make_org: Any, make_user: Any
) -> None:
    lm = services.local_measure_save(
        user=park_admin,
        data=measure_data(
            title="经开区中试奖励",
            prefecture="530100",
            item_cap_amount="",
            scope1_kind="",
            scope1_amount="",
        ),
    )
    assert (lm.park_id, lm.prefecture) == (park.pk, "530300")  # the park's own area, fixed
    assert _measure(lm.code).region == frozenset({f"P{park.pk}"})
    neighbour = make_user(
        "neighbour",
        make_org(name="曲靖另一企业", org_type="enterprise", prefecture="530300"),
        ["licensee_staff"],
    )
    with pytest.raises(ValidationError) as exc:
        apply(firm_user, lm.code)
    assert exc.value.messages == ["不符合本措施的申请条件：不在本措施适用地区"]
    services.park_resident_add(user=park_admin, park=park, uscc=firm.uscc.lower())
    assert apply(firm_user, lm.code).engine_amount == Decimal("100000.00")
    with pytest.raises(ValidationError):
        apply(neighbour, lm.code)  # same prefecture, not a resident
    assert SubsidyApplication.objects.count() == 1


def test_park_admin_cannot_edit_another_parks_measure(
    park_admin: Any, reviewer: Any, make_org: Any
) -> None:
    other = make_org(name="玉溪高新区管委会", org_type="park_or_zone", prefecture="530400")
    lm = services.local_measure_save(
        user=reviewer, data=measure_data(prefecture="530400", park=other.pk)
    )
    with pytest.raises(PermissionDenied) as exc:
        services.local_measure_save(user=park_admin, data=measure_data(), measure=lm)
    assert str(exc.value) == services.ERR_NOT_OWN_PARK
    lm.refresh_from_db()
    assert lm.revision == 1


def test_only_reviewers_and_park_admins_author_local_measures(
    firm_user: Any, make_org: Any, make_user: Any
) -> None:
    unit_admin = make_user("unit_admin", make_org(org_type="university"), ["org_admin"])
    for user in (firm_user, unit_admin):
        with pytest.raises(PermissionDenied) as exc:
            services.local_measure_save(user=user, data=measure_data())
        assert str(exc.value) == services.ERR_NOT_LOCAL_AUTHOR
    assert not LocalMeasure.objects.exists()


def test_park_residents_are_checked(park: Any, park_admin: Any, firm: Any, firm_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.park_resident_add(user=park_admin, park=park, uscc="91530300MA6XXXXXX")
    assert exc.value.messages == [services.ERR_RESIDENT_UNKNOWN]
    with pytest.raises(ValidationError) as exc:
        services.park_resident_add(user=park_admin, park=park, uscc=park.uscc)
    assert exc.value.messages == [services.ERR_RESIDENT_SELF]
    services.park_resident_add(user=park_admin, park=park, uscc=firm.uscc)
    with pytest.raises(ValidationError) as exc:
        services.park_resident_add(user=park_admin, park=park, uscc=firm.uscc)
    assert exc.value.messages == [services.ERR_RESIDENT_EXISTS]
    with pytest.raises(PermissionDenied):
        services.park_resident_remove(user=firm_user, park=park, organisation_id=firm.pk)
    services.park_resident_remove(user=park_admin, park=park, organisation_id=firm.pk)
    assert not ParkResident.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="subsidy_park_resident")
        .values_list("action", flat=True)
        .order_by("seq")
    ) == ["subsidy_park_resident.add", "subsidy_park_resident.remove"]


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("over", "errors"),
    [
        (
            {"base": "", "rate_percent": "120"},
            {"base": [services.ERR_BASE], "rate_percent": [services.ERR_RATE]},
        ),
        (
            {"amount_kind": "fixed", "fixed_amount": "0"},
            {
                "base": [services.ERR_NOT_FOR_KIND],
                "rate_percent": [services.ERR_NOT_FOR_KIND],
                "item_cap_amount": [services.ERR_NOT_FOR_KIND],
                "fixed_amount": [services.ERR_MONEY],
            },
        ),
        (
            {"scope1_amount": "", "scope2_kind": "once", "scope2_amount": "5"},
            {
                "scope1_amount": [services.ERR_SCOPE_AMOUNT],
                "scope2_amount": [services.ERR_SCOPE_NO_AMOUNT],
            },
        ),
        (
            {"effective_to_on": dt.date(2025, 12, 31), "prefecture": "000000"},
            {"effective_to_on": [services.ERR_DATES], "prefecture": [services.ERR_PREFECTURE]},
        ),
        (
            {
                "amount_kind": "by_level",
                "base": "",
                "rate_percent": "",
                "item_cap_amount": "",
                "level_cap_national": "300000",
            },
            {"level_cap_international": [services.ERR_LEVEL_CAPS]},
        ),
        (
            {"holding_period_years": "0", "applicant_types": ["bank"], "title": ""},
            {
                "holding_period_years": [services.ERR_HOLDING_YEARS],
                "applicant_types": [services.ERR_APPLICANT_TYPES],
                "title": [services.ERR_REQUIRED],
            },
        ),
    ],
)
def test_bad_local_measures_are_refused_with_every_reason(
    reviewer: Any, over: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.local_measure_save(user=reviewer, data=measure_data(**over))
    assert exc.value.message_dict == errors
    assert not LocalMeasure.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="subsidy_local_measure").exists()


def test_park_of_another_prefecture_is_refused(reviewer: Any, park: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.local_measure_save(
            user=reviewer, data=measure_data(prefecture="530100", park=park.pk)
        )
    assert exc.value.message_dict == {"park": ["所选园区不在所选州（市）内（园区所在：曲靖市）"]}


def test_claim_fields_are_locked_once_applications_exist(
    qujing: LocalMeasure, reviewer: Any, firm_user: Any
) -> None:
    apply(firm_user, qujing.code)
    with pytest.raises(ValidationError) as exc:
        services.local_measure_save(
            user=reviewer,
            data=measure_data(amount_kind="cap", base="", rate_percent=""),
            measure=qujing,
        )
    assert exc.value.messages == [services.ERR_FIELDS_LOCKED.format(count=1)]
    qujing.refresh_from_db()
    assert (qujing.amount_kind, qujing.revision) == ("rated", 1)
    # Amounts and dates may still change.
    services.local_measure_save(
        user=reviewer,
        data=measure_data(item_cap_amount="50000", effective_to_on=dt.date(2026, 9, 30)),
        measure=qujing,
    )
    assert _measure(qujing.code).item_cap == Decimal("50000.00")


# ----------------------------------------------------------------------------- pages


def test_local_measure_form_saves_and_shows_chinese_errors(reviewer: Any) -> None:
    c = Client()
    c.force_login(reviewer)
    url = reverse("subsidies:local_measure_form")
    assert c.get(url).status_code == 200
    post = {k: v for k, v in measure_data().items() if k not in ("registered",)}
    post.update(effective_from_on="2026-01-01", effective_to_on="2026-12-31", rate_percent="")
    body = c.post(url, post).content.decode()
    assert services.ERR_RATE in body
    assert not LocalMeasure.objects.exists()
    post["rate_percent"] = "20"
    r = c.post(url, post)
    lm = LocalMeasure.objects.get()
    assert r.status_code == 302
    assert r["Location"].endswith(f"/subsidies/#{lm.code}")
    assert c.get(url + f"?id={lm.pk}").context["form"].initial["rate_percent"] == "20"
    assert c.get(url + "?id=x").status_code == 404


def test_local_pages_are_for_authors_and_department_readers(
    firm_user: Any, park_admin: Any, reviewer: Any, qujing: LocalMeasure
) -> None:
    list_url, form_url = (
        reverse("subsidies:local_measures"),
        reverse("subsidies:local_measure_form"),
    )
    firm, park, dept = Client(), Client(), Client()
    firm.force_login(firm_user)
    park.force_login(park_admin)
    dept.force_login(reviewer)
    assert firm.get(list_url).status_code == 403
    assert firm.get(form_url).status_code == 403
    body = park.get(list_url).content.decode()
    assert qujing.code not in body  # a park sees only its own measures
    assert "园区入驻单位 · 曲靖经济技术开发区管理委员会" in body
    assert park.get(form_url + f"?id={qujing.pk}").status_code == 403
    assert qujing.code in dept.get(list_url).content.decode()


def test_park_admin_registers_a_resident_on_the_page(park_admin: Any, firm: Any) -> None:
    c = Client()
    c.force_login(park_admin)
    r = c.post(reverse("subsidies:park_residents"), {"uscc": firm.uscc})
    assert r.status_code == 302
    assert ParkResident.objects.filter(park=park_admin.organisation, organisation=firm).exists()
    body = c.get(r["Location"]).content.decode()
    assert f"已登记入驻单位：{firm.name}。" in body
