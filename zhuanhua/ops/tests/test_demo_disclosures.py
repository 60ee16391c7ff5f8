"""The demo's disclosures at every step and consent requests in every state, loaded with the
publishing gate on (as in development and production)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from zhuanhua.achievements.choices import ConsentAnswer
from zhuanhua.achievements.models import CompleterConsent, ConsentRequest
from zhuanhua.disclosures.choices import DisclosureStatus
from zhuanhua.disclosures.models import Disclosure
from zhuanhua.disclosures.selectors import disclosure_queue
from zhuanhua.ops import demo

pytestmark = pytest.mark.django_db


def test_demo_has_disclosures_at_every_step_and_consents_in_every_state(settings):
    settings.ZHUANHUA_CONSENT_BEFORE_PUBLISH = True
    result = demo.load_demo(size=40)
    assert result.loaded
    assert set(Disclosure.objects.values_list("status", flat=True)) == set(DisclosureStatus.values)
    accepted = Disclosure.objects.get(status=DisclosureStatus.ACCEPTED)
    assert accepted.achievement.completers.filter(user__isnull=False).exists()
    kust_manager = get_user_model().objects.get(username="kust_manager")
    assert any(r.overdue for r in disclosure_queue(kust_manager, timezone.localdate()))
    answers = set(CompleterConsent.objects.values_list("answer", flat=True))
    assert answers == set(ConsentAnswer.values)
    assert ConsentRequest.objects.exclude(override_reason="").count() == 1
