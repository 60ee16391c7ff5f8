"""A service profile's or a technology manager's phone is checked by the service, not only by
the form (issue 21.5: a phone "abc" was accepted)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.core.inputs import ERR_PHONE
from zhuanhua.directory import services
from zhuanhua.directory.models import ServiceProvider
from zhuanhua.directory.tests.conftest import PROVIDER_DATA


def test_provider_with_phone_abc_is_refused_in_chinese(platform_admin: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.provider_create(
            user=platform_admin, data={**PROVIDER_DATA, "contact_phone": "abc"}
        )
    assert exc.value.message_dict["contact_phone"] == [ERR_PHONE]
    assert not ServiceProvider.objects.exists()


def test_provider_phone_is_stored_without_spaces(platform_admin: Any) -> None:
    data = {**PROVIDER_DATA, "contact_phone": "138 1234 5678"}
    assert services.provider_create(user=platform_admin, data=data).contact_phone == "13812345678"
