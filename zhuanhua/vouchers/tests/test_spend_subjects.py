"""Vouchers pay only real contracts of the enterprise (issue 17.2): the subject type must be
registered, the subject must exist and be the enterprise's, the provider is the contract's
counterparty and the contract amount is the record's. Each refusal writes nothing — in the
service, the API and the form. The registry keeps vouchers free of imports of higher apps
(issue 18.2)."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhuanhua.audit.models import AuditEntry
from zhuanhua.vouchers import services, subjects
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend
from zhuanhua.vouchers.tests.conftest import TEST_LABEL, TEST_SUBJECT, YEAR

D = Decimal
pytestmark = pytest.mark.django_db


def written(tech, year=YEAR):
    """Everything a spend writes: spend rows, audit entries, the quota's spent amount."""
    quota = VoucherQuota.objects.filter(enterprise=tech, year=year).first()
    return (
        VoucherSpend.objects.count(),
        AuditEntry.objects.filter(action="voucher.spend").count(),
        quota.spent_amount if quota else None,
    )


@pytest.fixture
def other_firm(make_org):
    return make_org(name="玉溪某制药有限公司", org_type="enterprise", is_tech_enterprise=True)


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def live_quota(reviewer, tech, this_year):
    return services.voucher_quota_issue(user=reviewer, enterprise=tech, year=this_year)


# ---------------------------------------------------------------------------- the service


@pytest.mark.parametrize("subject_type", ["services.servicecontract", "contract", "auth.user"])
def test_unknown_subject_type_is_refused_and_writes_nothing(
    quota, spend_kwargs, tech, subject_type
):
    before = written(tech)
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "subject_type": subject_type})
    assert exc.value.message_dict == {"subject_type": [services.ERR_SUBJECT_TYPE]}
    assert written(tech) == before == (0, 0, D("0.00"))


def test_nonexistent_subject_is_refused_and_writes_nothing(quota, spend_kwargs, tech, contracts):
    before = written(tech)
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "subject_id": "SC-404"})
    assert exc.value.message_dict == {"subject_id": [services.ERR_SUBJECT_NOT_FOUND]}
    assert contracts.resolved == ["SC-404"]  # the resolver was asked
    assert written(tech) == before == (0, 0, D("0.00"))


def test_another_enterprises_contract_is_refused_like_a_missing_one(
    quota, spend_kwargs, tech, contracts, other_firm, provider
):
    contracts.add(
        "SC-OTHER",
        enterprise=other_firm,
        counterparty=provider,
        contract_amount=D("500000.00"),
        title="他人的合同",
    )
    before = written(tech)
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "subject_id": "SC-OTHER"})
    assert exc.value.message_dict == {"subject_id": [services.ERR_SUBJECT_NOT_FOUND]}
    assert written(tech) == before == (0, 0, D("0.00"))


def test_provider_not_the_counterparty_is_refused(quota, spend_kwargs, tech, unit_b):
    before = written(tech)
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "provider": unit_b})
    assert exc.value.message_dict == {"provider": [services.ERR_PROVIDER_NOT_COUNTERPARTY]}
    with pytest.raises(ValidationError) as exc:  # nor the enterprise itself
        services.voucher_spend(**{**spend_kwargs, "provider": tech})
    assert exc.value.message_dict == {"provider": [services.ERR_PROVIDER_NOT_COUNTERPARTY]}
    assert written(tech) == before == (0, 0, D("0.00"))


def test_contract_amount_sent_other_than_the_records_is_refused(quota, spend_kwargs, tech):
    """Decision: a stated contract amount is checked, not trusted — a different one is refused
    (the caller learns the registered amount); the same one, or none, is accepted."""
    before = written(tech)
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**{**spend_kwargs, "contract_amount": "1000000"})
    assert exc.value.message_dict == {
        "contract_amount": [services.ERR_CONTRACT_AMOUNT.format(amount="200,000.00")]
    }
    assert written(tech) == before == (0, 0, D("0.00"))
    spend = services.voucher_spend(**{**spend_kwargs, "contract_amount": "200000.00"})
    assert spend.contract_amount == D("200000.00")


def test_contract_amount_and_provider_come_from_the_record(quota, spend_kwargs, provider):
    spend = services.voucher_spend(
        **{**spend_kwargs, "subject_id": "C7", "provider": None, "voucher_amount": "150000"}
    )
    assert (spend.contract_amount, spend.provider, spend.voucher_amount) == (
        D("300000.00"),
        provider,
        D("150000.00"),
    )
    entry = AuditEntry.objects.get(action="voucher.spend")
    assert entry.detail["subject"] == f"检测服务（{provider.name}）"


def test_a_contract_not_yet_payable_keeps_its_apps_refusal(quota, spend_kwargs, tech, contracts):
    """A resolver may raise its own named refusal (e.g. a request not yet contracted)."""

    def not_yet(enterprise, subject_id):
        raise ValidationError({"subject_id": ["服务委托尚未签订合同（受理），不能使用创新券"]})

    subjects.register(
        subjects.SubjectKind(
            subject_type=TEST_SUBJECT, label=TEST_LABEL, resolve=not_yet, eligible=lambda e: []
        )
    )
    with pytest.raises(ValidationError) as exc:
        services.voucher_spend(**spend_kwargs)
    assert exc.value.message_dict == {
        "subject_id": ["服务委托尚未签订合同（受理），不能使用创新券"]
    }
    assert written(tech) == (0, 0, D("0.00"))


def test_subject_choices_leave_out_contracts_whose_half_is_used(spent, tech, contracts):
    choices = {s.subject_id: used for s, used in services.voucher_subject_choices(tech)}
    assert "SC-001" not in choices  # 100,000 of 200,000 used: nothing left
    assert choices["SC-002"] == D("0.00")
    assert len(choices) == 2 + 24


# ---------------------------------------------------------------------------- the registry


def test_directory_and_licensing_register_their_subjects():
    assert subjects.label_of("directory.servicerequest") == "服务目录科技服务委托"
    assert subjects.label_of("licensing.licence") == "科技成果许可使用费"
    assert subjects.get("directory.servicerequest").claim_check is not None
    assert subjects.label_of("services.servicecontract") == "科技服务合同"  # older rows
    assert subjects.get("services.servicecontract") is None  # … but not spendable


def test_vouchers_imports_no_app_above_it():
    """Not at the top of a module, not in a function body: vouchers learns its subjects from
    the registry (issue 18.2)."""
    root = Path(services.__file__).parent
    higher = ("zhuanhua.directory", "zhuanhua.licensing")
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [(path.name, n) for n in names if n.startswith(higher)]
    assert found == []


# ---------------------------------------------------------------------------- the API


def api_spend(client, body):
    return client.post("/api/vouchers/spends", body, content_type="application/json")


def test_api_refusals_write_nothing(
    client, tech_staff, tech, live_quota, contracts, other_firm, provider, unit_b, this_year
):
    contracts.add(
        "SC-OTHER",
        enterprise=other_firm,
        counterparty=provider,
        contract_amount=D("500000.00"),
        title="他人的合同",
    )
    client.force_login(tech_staff)
    good = {"subject_type": TEST_SUBJECT, "subject_id": "SC-9", "voucher_amount": "1000"}
    cases = [
        ({"subject_type": "services.servicecontract"}, "subject_type", services.ERR_SUBJECT_TYPE),
        ({"subject_id": "SC-404"}, "subject_id", services.ERR_SUBJECT_NOT_FOUND),
        ({"subject_id": "SC-OTHER"}, "subject_id", services.ERR_SUBJECT_NOT_FOUND),
        ({"provider_id": unit_b.pk}, "provider", services.ERR_PROVIDER_NOT_COUNTERPARTY),
        (
            {"contract_amount": "999999"},
            "contract_amount",
            services.ERR_CONTRACT_AMOUNT.format(amount="200,000.00"),
        ),
    ]
    before = written(tech, this_year)
    for change, field, message in cases:
        response = api_spend(client, {**good, **change})
        assert response.status_code == 422, change
        assert response.json()["detail"] == [{"field": field, "message": message}]
    assert written(tech, this_year) == before == (0, 0, D("0.00"))
    created = api_spend(client, {**good, "provider_id": provider.pk, "contract_amount": "200000"})
    assert created.status_code == 201
    assert (created.json()["contract_amount"], created.json()["provider_id"]) == (
        "200000.00",
        provider.pk,
    )


def test_api_lists_the_enterprises_payable_contracts(
    client, tech_staff, live_quota, contracts, other_firm, provider
):
    contracts.add(
        "SC-OTHER",
        enterprise=other_firm,
        counterparty=provider,
        contract_amount=D("500000.00"),
        title="他人的合同",
    )
    client.force_login(tech_staff)
    rows = client.get("/api/vouchers/subjects").json()
    assert "SC-OTHER" not in {r["subject_id"] for r in rows}
    c7 = next(r for r in rows if r["subject_id"] == "C7")
    assert c7 == {
        "subject_type": TEST_SUBJECT,
        "subject_type_label": TEST_LABEL,
        "subject_id": "C7",
        "label": f"检测服务（{provider.name}）",
        "contract_amount": "300000.00",
        "provider_id": provider.pk,
        "provider_name": provider.name,
        "signed_on": None,
        "used_amount": "0.00",
        "available_amount": "150000.00",
    }


# ---------------------------------------------------------------------------- the form


def test_form_offers_the_enterprises_contracts_as_chinese_labels(
    client, tech_staff, live_quota, contracts, other_firm, provider
):
    contracts.add(
        "SC-OTHER",
        enterprise=other_firm,
        counterparty=provider,
        contract_amount=D("500000.00"),
        title="他人的合同",
    )
    client.force_login(tech_staff)
    body = client.get(reverse("vouchers:ledger")).content.decode()
    assert (
        f'<option value="{TEST_SUBJECT}:C7">{TEST_LABEL} · 检测服务（{provider.name}） · '
        "合同金额 300,000.00 元 · 本合同还可使用创新券 150,000.00 元</option>"
    ) in body
    assert "SC-OTHER" not in body
    assert "他人的合同" not in body
    assert 'name="subject_id"' not in body
    assert 'name="contract_amount"' not in body


def test_form_without_payable_contracts_says_so(client, tech_staff, live_quota):
    client.force_login(tech_staff)
    body = client.get(reverse("vouchers:ledger")).content.decode()
    assert 'data-testid="no-subjects"' in body
    assert "本单位暂无可用创新券支付的合同" in body


@pytest.mark.parametrize(
    "subject",
    [
        "services.servicecontract:SC-9",  # an unknown subject type
        f"{TEST_SUBJECT}:SC-404",  # no such contract
        f"{TEST_SUBJECT}:SC-OTHER",  # another enterprise's contract
    ],
)
def test_form_refuses_a_forged_subject_and_writes_nothing(
    client, tech_staff, tech, live_quota, contracts, other_firm, provider, this_year, subject
):
    contracts.add(
        "SC-OTHER",
        enterprise=other_firm,
        counterparty=provider,
        contract_amount=D("500000.00"),
        title="他人的合同",
    )
    client.force_login(tech_staff)
    before = written(tech, this_year)
    response = client.post(
        reverse("vouchers:spend"), {"subject": subject, "voucher_amount": "1000"}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert written(tech, this_year) == before == (0, 0, D("0.00"))


def test_form_ignores_a_posted_contract_amount_and_provider(
    client, tech_staff, tech, live_quota, contracts, provider, unit_b, this_year
):
    """The form has neither field: what is posted beside the subject changes nothing."""
    client.force_login(tech_staff)
    response = client.post(
        reverse("vouchers:spend"),
        {
            "subject": f"{TEST_SUBJECT}:C7",
            "voucher_amount": "150000",
            "contract_amount": "99999999",
            "provider": str(unit_b.pk),
        },
    )
    assert response.status_code == 302
    spend = VoucherSpend.objects.get()
    assert (spend.contract_amount, spend.provider, spend.voucher_amount) == (
        D("300000.00"),
        provider,
        D("150000.00"),
    )
    body = client.get(response.url).content.decode()
    assert f"已使用创新券 150,000.00 元支付“{TEST_LABEL} #C7”" in body
