"""``{% licence_registration_panel licence %}``: the licence page's 认定登记 step through a
registrar (the submission's state, or the licensor's submit form)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from zhuanhua.contracts.selectors import with_days_left
from zhuanhua.licensing.contract_registration import submission_of
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.registration_views import RegistrationSubmitForm
from zhuanhua.licensing.services import is_licensor_editor

register = template.Library()


@register.inclusion_tag("licensing/_registration_panel.html", takes_context=True)
def licence_registration_panel(context: dict[str, Any], licence: Licence) -> dict[str, Any]:
    user = context["request"].user
    submission = submission_of(licence)
    if submission is not None:
        submission = with_days_left([submission], timezone.localdate())[0]
    licensor = is_licensor_editor(user, licence.licensor_id)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "licence": licence,
        "submission": submission,
        "can_submit": licensor and licence.status == "active" and (submission is None),
        "is_licensor": licensor,
        "form": RegistrationSubmitForm(licence=licence) if licensor else None,
    }
