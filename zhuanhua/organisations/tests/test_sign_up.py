import pytest

from zhuanhua.accounts.models import User
from zhuanhua.core.uscc import ERR_CHECKSUM, make_uscc
from zhuanhua.organisations.models import Organisation
from zhuanhua.organisations.services import ERR_PREFECTURE, organisation_review

FORM = {
    "name": "玉溪新材料科技有限公司",
    "org_type": "enterprise",
    "uscc": make_uscc("91530400MA6K00001"),
    "prefecture": "530400",
    "username": "yuxi_admin",
    "display_name": "李明",
    "password": "Yunnan-2026-pw",
    "is_sme": "on",
}


def test_public_sign_up_creates_pending_org_and_admin(client, db):
    response = client.post("/organisations/sign-up/", FORM)
    assert response.status_code == 200
    assert "注册已提交" in response.content.decode()
    org = Organisation.objects.get(uscc=FORM["uscc"])
    assert (org.status, org.is_sme, org.prefecture) == ("pending", True, "530400")
    assert User.objects.get(username="yuxi_admin").roles == ["org_admin"]


def test_bad_uscc_shows_message_next_to_field_and_writes_nothing(client, db):
    bad = FORM["uscc"][:17] + ("0" if FORM["uscc"][17] != "0" else "1")
    response = client.post("/organisations/sign-up/", {**FORM, "uscc": bad})
    assert ERR_CHECKSUM in response.content.decode()
    assert response.context["form"].errors["uscc"] == [ERR_CHECKSUM]
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_unknown_prefecture_is_refused(db):
    from django.core.exceptions import ValidationError

    from zhuanhua.organisations.services import organisation_sign_up

    data = {k: v for k, v in FORM.items() if k not in {"username", "display_name", "password"}}
    data["prefecture"] = "530200"  # no such prefecture (there is no 530200 in Yunnan)
    with pytest.raises(ValidationError) as exc:
        organisation_sign_up(data=data, username="x1", password="Yunnan-2026-pw", display_name="x")
    assert exc.value.message_dict["prefecture"] == [ERR_PREFECTURE]
    assert not Organisation.objects.exists()


def test_pending_org_cannot_edit_achievements_until_approved(client, db, reviewer):
    client.post("/organisations/sign-up/", FORM)
    user = User.objects.get(username="yuxi_admin")
    assert not user.can_edit_achievements
    organisation_review(user=reviewer, organisation=user.organisation, approve=True)
    user.refresh_from_db()
    user.organisation.refresh_from_db()
    assert user.can_edit_achievements


def test_reject_needs_a_reason(db, reviewer, make_org):
    from django.core.exceptions import ValidationError

    org = make_org(status="pending")
    with pytest.raises(ValidationError):
        organisation_review(user=reviewer, organisation=org, approve=False, reason="")
    org.refresh_from_db()
    assert org.status == "pending"


def test_non_reviewer_cannot_review(db, manager_a, make_org):
    from django.core.exceptions import PermissionDenied

    org = make_org(status="pending")
    with pytest.raises(PermissionDenied):
        organisation_review(user=manager_a, organisation=org, approve=True)
