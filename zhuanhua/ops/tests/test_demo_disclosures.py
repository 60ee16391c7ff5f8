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


def test_demo_has_disclosures_at_every_step_and_consents_in_every_state(settings, client):
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

    # the demo accounts open every page of it
    client.force_login(get_user_model().objects.get(username="researcher1"))
    for url in ["/disclosures/", "/achievements/consent/"] + [
        f"/disclosures/{d.pk}/"
        for d in Disclosure.objects.filter(researcher__username="researcher1")
    ]:
        assert client.get(url).status_code == 200, url
    for answer in CompleterConsent.objects.filter(user__username="researcher1"):
        assert client.get(f"/achievements/consent/{answer.pk}/").status_code == 200
    client.force_login(kust_manager)
    assert client.get("/disclosures/queue/").status_code == 200
    for request in ConsentRequest.objects.filter(achievement__owner=kust_manager.organisation_id):
        url = f"/achievements/{request.achievement_id}/consent/{request.purpose}/"
        assert client.get(url).status_code == 200, url
