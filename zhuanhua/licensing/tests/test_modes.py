"""Licence modes (issue 20.6): an exclusive or sole licence leaves no room for another licence on
the same achievement whose field, territory and term overlap; an ordinary one does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.licensing import modes
from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, SignedContract
from zhuanhua.licensing.services import (
    ERR_OFFER_INACTIVE,
    inquiry_open,
    licence_activate,
    offer_publish,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import OFFER_DATA, VERSION_TERMS, signed_pdf


def _publish(manager, achievement, **changes):
    return offer_publish(user=manager, achievement=achievement, data={**OFFER_DATA, **changes})


def _draft(offer, agent, manager, **terms):
    inquiry = inquiry_open(user=agent, offer=offer)
    version_propose(user=agent, inquiry=inquiry, terms={**VERSION_TERMS, **terms})
    return version_accept(user=manager, inquiry=inquiry, number=1)


def _sign(licence, manager):
    return licence_activate(
        user=manager, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )


@pytest.fixture
def second_agent(make_org, make_user):
    other = make_org(name="曲靖储能设备有限公司", org_type="enterprise", is_sme=True)
    return make_user("second", other, ["licensee_staff"])


def test_exclusive_licence_signed_closes_its_offer(published_a, manager_a, licensee_user):
    offer = _publish(manager_a, published_a, license_mode="exclusive")
    licence = _sign(_draft(offer, licensee_user, manager_a), manager_a)
    assert licence.status == "active"
    offer.refresh_from_db()
    assert offer.is_active is False


def test_a_second_exclusive_licence_is_refused_on_acceptance(
    published_a, manager_a, licensee_user, second_agent
):
    first = _publish(manager_a, published_a, license_mode="exclusive")
    signed = _sign(_draft(first, licensee_user, manager_a), manager_a)
    with pytest.raises(ValidationError) as closed:
        inquiry_open(user=second_agent, offer=first)
    assert ERR_OFFER_INACTIVE in str(closed.value)
    again = _publish(manager_a, published_a, license_mode="exclusive")
    inquiry = inquiry_open(user=second_agent, offer=again)
    version_propose(user=second_agent, inquiry=inquiry, terms=dict(VERSION_TERMS))
    licences = Licence.objects.count()
    with pytest.raises(ValidationError) as exc:
        version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert exc.value.message_dict == {
        "license_mode": [
            "该成果已签订独占许可（被许可方：昆明氢能科技有限公司，2025-01-01 至 2026-12-31），"
            "与本许可的使用领域、地域和期限重叠，不能再许可他人"
        ]
    }
    assert Licence.objects.count() == licences == 1
    inquiry.refresh_from_db()
    assert inquiry.status == "open"
    assert signed.pk == Licence.objects.get().pk


def test_an_ordinary_licence_beside_a_sole_one_is_refused(
    published_a, manager_a, licensee_user, second_agent
):
    _sign(
        _draft(_publish(manager_a, published_a, license_mode="sole"), licensee_user, manager_a),
        manager_a,
    )
    ordinary = _publish(manager_a, published_a, license_mode="non_exclusive")
    with pytest.raises(ValidationError) as exc:
        _draft(ordinary, second_agent, manager_a)
    assert exc.value.message_dict["license_mode"][0].startswith("该成果已签订排他许可（")
    assert Licence.objects.count() == 1


def test_an_exclusive_licence_over_a_signed_ordinary_one_is_refused(
    published_a, manager_a, licensee_user, second_agent
):
    _sign(_draft(_publish(manager_a, published_a), licensee_user, manager_a), manager_a)
    exclusive = _publish(manager_a, published_a, license_mode="exclusive")
    with pytest.raises(ValidationError) as exc:
        _draft(exclusive, second_agent, manager_a)
    assert exc.value.message_dict == {
        "license_mode": [
            "本许可为独占许可，但该成果已有许可（被许可方：昆明氢能科技有限公司，"
            "2025-01-01 至 2026-12-31）与其使用领域、地域和期限重叠，不能签订"
        ]
    }


def test_ordinary_licences_share_the_achievement(
    published_a, manager_a, licensee_user, second_agent
):
    offer = _publish(manager_a, published_a)
    _sign(_draft(offer, licensee_user, manager_a), manager_a)
    second = _sign(_draft(offer, second_agent, manager_a), manager_a)
    assert second.status == "active"
    offer.refresh_from_db()
    assert offer.is_active is True
    assert Licence.objects.filter(status="active").count() == 2


def test_exclusive_licences_in_other_territories_or_terms_do_not_overlap(
    published_a, manager_a, licensee_user, second_agent, make_org, make_user
):
    _sign(
        _draft(
            _publish(manager_a, published_a, license_mode="exclusive"), licensee_user, manager_a
        ),
        manager_a,
    )
    guizhou = _publish(manager_a, published_a, license_mode="exclusive", territory="贵州省")
    assert _sign(_draft(guizhou, second_agent, manager_a), manager_a).status == "active"
    third = make_user(
        "third", make_org(name="玉溪某科技有限公司", org_type="enterprise"), ["licensee_staff"]
    )
    later = _publish(manager_a, published_a, license_mode="exclusive")
    after = _draft(
        later,
        third,
        manager_a,
        start="2027-01-01",
        end="2028-12-31",
        installments=[{"key": "首付节点", "amount": "50000", "due": "2027-06-30"}],
    )
    assert after.status == "draft_contract"


def test_of_two_exclusive_drafts_the_first_to_sign_wins(
    published_a, manager_a, licensee_user, second_agent
):
    offer = _publish(manager_a, published_a, license_mode="exclusive")
    first = _draft(offer, licensee_user, manager_a)
    second = _draft(offer, second_agent, manager_a)  # nothing signed yet: both may be drafted
    _sign(first, manager_a)
    with pytest.raises(ValidationError) as exc:
        _sign(second, manager_a)
    assert exc.value.message_dict["license_mode"][0].startswith(
        "该成果已签订独占许可（被许可方：昆明氢能科技有限公司，"
    )
    second.refresh_from_db()
    assert second.status == "draft_contract"
    assert SignedContract.objects.count() == 1


def test_scope_overlap_reads_blank_as_everywhere_and_names_within_names():
    assert modes.scope_overlaps("", "贵州省")
    assert modes.scope_overlaps("云南省", "云南省昆明市")
    assert modes.scope_overlaps("储能设备、新能源汽车", "新能源汽车")
    assert not modes.scope_overlaps("云南省", "贵州省")
    assert not modes.term_overlaps(
        (dt.date(2025, 1, 1), dt.date(2026, 12, 31)), (dt.date(2027, 1, 1), dt.date(2028, 1, 1))
    )
    assert modes.term_overlaps(
        (dt.date(2025, 1, 1), dt.date(2026, 12, 31)), (dt.date(2026, 12, 31), dt.date(2028, 1, 1))
    )


def test_a_licence_terminated_before_the_new_term_leaves_room(
    published_a, manager_a, licensee_user, second_agent
):
    first = _sign(
        _draft(
            _publish(manager_a, published_a, license_mode="exclusive"), licensee_user, manager_a
        ),
        manager_a,
    )
    Licence.objects.filter(pk=first.pk).update(
        status="terminated", terminated_on=dt.date(2025, 6, 30)
    )
    again = _publish(manager_a, published_a, license_mode="exclusive")
    later = _draft(again, second_agent, manager_a, start="2025-07-01", end="2027-06-30")
    assert later.status == "draft_contract"
    assert Inquiry.objects.filter(status="accepted").count() == 2
    assert LicenceOffer.objects.filter(is_active=True).count() == 1


def test_the_acceptance_page_says_why_a_second_exclusive_licence_is_refused(
    client, published_a, manager_a, licensee_user, second_agent
):
    _sign(
        _draft(
            _publish(manager_a, published_a, license_mode="exclusive"), licensee_user, manager_a
        ),
        manager_a,
    )
    inquiry = inquiry_open(
        user=second_agent, offer=_publish(manager_a, published_a, license_mode="exclusive")
    )
    version_propose(user=second_agent, inquiry=inquiry, terms=dict(VERSION_TERMS))
    client.force_login(manager_a)
    page = client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/1/accept/", follow=True
    ).content.decode()
    assert (
        "该成果已签订独占许可（被许可方：昆明氢能科技有限公司，2025-01-01 至 2026-12-31）" in page
    )
    assert Licence.objects.count() == 1
