"""The sign-up service refuses a contact phone that is not one, whatever called it (issue 21.5)."""

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.core.inputs import ERR_PHONE
from zhuanhua.organisations.models import Organisation
from zhuanhua.organisations.services import organisation_sign_up
from zhuanhua.organisations.tests.test_sign_up import FORM

DATA = {
    k: v for k, v in FORM.items() if k not in {"username", "display_name", "password", "is_sme"}
}


def test_sign_up_refuses_a_phone_abc_in_chinese(db):
    with pytest.raises(ValidationError) as exc:
        organisation_sign_up(
            data={**DATA, "contact_phone": "abc"},
            username="x1",
            password="Yunnan-2026-pw",
            display_name="x",
        )
    assert exc.value.message_dict["contact_phone"] == [ERR_PHONE]
    assert not Organisation.objects.exists()


def test_sign_up_stores_the_phone_without_spaces(db):
    org = organisation_sign_up(
        data={**DATA, "contact_phone": "138 1234 5678"},
        username="x1",
        password="Yunnan-2026-pw",
        display_name="x",
    )
    assert org.contact_phone == "13812345678"
