"""Income distribution (measure 6): the pure floor check and the recorded plan."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhuanhua.engines import distribution as dist
from zhuanhua.licensing import services


def _check(
    net, researcher, staff=D(0), unit=None, contract_type="license", registered=True, chosen=False
):
    unit = net - researcher - staff if unit is None else unit
    return [
        f.code
        for f in dist.check_distribution(
            net=net,
            researcher=researcher,
            transfer_staff=staff,
            unit=unit,
            contract_type=contract_type,
            registered=registered,
            staff_reward_chosen=chosen,
        )
    ]


def test_floors_are_named_constants():
    assert dist.RESEARCHER_FLOOR_SERVICE_INCOME == D("0.70")
    assert dist.RESEARCHER_FLOOR_TRANSFER_INCOME == D("0.50")
    assert dist.TRANSFER_STAFF_FLOOR_OF_UNIT_SHARE == D("0.10")


def test_transfer_income_floor_is_half():
    assert _check(D("1000"), D("500")) == []
    assert _check(D("1000"), D("499.99")) == ["researcher_floor"]


@pytest.mark.parametrize("contract_type", ["development", "consulting", "service"])
def test_registered_service_income_floor_is_seventy(contract_type):
    assert _check(D("1000"), D("700"), contract_type=contract_type) == []
    assert _check(D("1000"), D("699.99"), contract_type=contract_type) == ["researcher_floor"]
    # unregistered service income falls back to the default 50 %
    assert _check(D("1000"), D("600"), contract_type=contract_type, registered=False) == []


def test_staff_floor_only_when_the_unit_chooses():
    # unit keeps 400, of which staff get 30 (< 10 % of 400)
    assert _check(D("1000"), D("600"), staff=D("30"), unit=D("370")) == []
    assert _check(D("1000"), D("600"), staff=D("30"), unit=D("370"), chosen=True) == [
        "transfer_staff_floor"
    ]
    assert _check(D("1000"), D("600"), staff=D("40"), unit=D("360"), chosen=True) == []


def test_messages_name_the_floor_amount():
    [finding] = dist.check_distribution(
        net=D("1000"),
        researcher=D("100"),
        transfer_staff=D(0),
        unit=D("900"),
        contract_type="service",
        registered=True,
        staff_reward_chosen=False,
    )
    assert finding.message == dist.WARN_RESEARCHER_SERVICE.format(
        actual=D("100.00"), floor=D("700.00")
    )


@given(
    net=st.decimals(min_value=0, max_value=10**9, places=2),
    ratio=st.decimals(min_value=0, max_value=1, places=4),
)
def test_researcher_warning_iff_below_floor(net, ratio):
    researcher = (net * ratio).quantize(D("0.01"))
    codes = _check(net, researcher)
    assert ("researcher_floor" in codes) == (
        researcher < (net / 2).quantize(D("0.01"), ROUND_HALF_UP)
    )


def test_net_income():
    assert dist.net_income(D("1000"), [D("100.005"), D("50")]) == D("850.00")  # half up
    assert dist.net_income(D("10"), []) == D("10.00")


@pytest.mark.django_db
class TestRecorded:
    @pytest.fixture
    def paid(self, active_licence, manager_a):
        services.payment_record(
            user=manager_a, licence=active_licence, amount="100000", paid_on=dt.date(2025, 2, 1)
        )
        return active_licence

    def _record(self, licence, user, **kw):
        data = {
            "income_amount": "100000",
            "costs": [{"label": "专利年费", "amount": "10000"}],
            "shares": [
                {"name": "张三", "role": "researcher", "amount": "40000"},
                {"name": "成果转化办", "role": "transfer_staff", "amount": "5000"},
                {"name": "云南大学", "role": "unit", "amount": "45000"},
            ],
        }
        data.update(kw)
        return services.distribution_record(user=user, licence=licence, **data)

    def test_plan_with_a_warning_is_recorded(self, paid, manager_a):
        plan = self._record(paid, manager_a)
        assert plan.net_income_amount == D("90000.00")
        assert [w["code"] for w in plan.warnings] == ["researcher_floor"]

    def test_sums_must_match_net(self, paid, manager_a):
        with pytest.raises(ValidationError) as exc:
            self._record(paid, manager_a, costs=[])
        assert exc.value.message_dict == {
            "shares": [dist.ERR_SUM.format(total=D("90000.00"), net=D("100000.00"))]
        }

    def test_income_cannot_exceed_received(self, paid, manager_a):
        self._record(paid, manager_a)
        with pytest.raises(ValidationError) as exc:
            self._record(paid, manager_a)
        assert exc.value.message_dict == {
            "income_amount": [
                services.ERR_INCOME_EXCEEDS.format(income=D("100000.00"), left=D("0.00"))
            ]
        }

    def test_only_the_licensor(self, paid, licensee_user):
        with pytest.raises(PermissionDenied):
            self._record(paid, licensee_user)

    def test_page_and_visibility(self, client, paid, manager_a, licensee_user, reviewer, outsider):
        client.force_login(manager_a)
        response = client.post(
            f"/licensing/licences/{paid.pk}/distributions/",
            {
                "income_amount": "100000",
                "cost_label_1": "专利年费",
                "cost_amount_1": "10000",
                "share_name_1": "张三",
                "share_role_1": "researcher",
                "share_amount_1": "60000",
                "share_name_2": "云南大学",
                "share_role_2": "unit",
                "share_amount_2": "30000",
            },
            follow=True,
        )
        html = response.content.decode()
        assert "收益分配方案已登记" in html
        assert "张三" in html
        client.force_login(reviewer)
        assert "张三" in client.get(f"/licensing/licences/{paid.pk}/").content.decode()
        client.force_login(licensee_user)
        assert "张三" not in client.get(f"/licensing/licences/{paid.pk}/").content.decode()
        assert client.post(
            f"/licensing/licences/{paid.pk}/distributions/", {"income_amount": "1"}
        ).status_code in (403, 422)
        client.force_login(outsider)
        assert (
            client.post(
                f"/licensing/licences/{paid.pk}/distributions/", {"income_amount": "1"}
            ).status_code
            == 404
        )
