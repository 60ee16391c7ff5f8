"""Unit rules (articles 5, 11): registration, adoption, publicity; a case in a unit without adopted
exemption rules carries a visible warning."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhuanhua.exemption import services as s
from zhuanhua.exemption.selectors import (
    WARN_NO_RULES,
    WARN_RULES_NOT_PUBLICISED,
    case_warnings,
    rules_visible_to,
)
from zhuanhua.exemption.tests.conftest import START

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_warning_without_adopted_rules(client: Any, case: Any, handler_a: Any) -> None:
    assert case_warnings(case) == [WARN_NO_RULES]
    client.force_login(handler_a)
    html = client.get(reverse("exemption:detail", args=[case.pk])).content.decode()
    assert WARN_NO_RULES in html
    assert 'data-testid="rules-warning"' in html
    # Transfer rules alone do not count, nor unadopted exemption rules.
    s.rules_create(
        user=handler_a,
        data={
            "kind": "transfer_rules",
            "title": "科技成果转化管理办法",
            "adopted_on": START,
            "adoption_record": "校长办公会",
        },
    )
    draft = s.rules_create(
        user=handler_a, data={"kind": "exemption_rules", "title": "尽职免责实施细则"}
    )
    assert case_warnings(case) == [WARN_NO_RULES]
    rules = s.rules_adopt(
        user=handler_a,
        rules=draft,
        adopted_on=START,
        adoption_record="2025 年第 3 次党委常委会审议通过",
        today=START,
    )
    assert case_warnings(case) == [WARN_RULES_NOT_PUBLICISED]
    rules = s.rules_publicise(user=handler_a, rules=rules, today=START)
    assert rules.notice is not None
    assert rules.notice.kind == "unit_rules"
    assert rules.notice.status == "published"
    assert rules.notice.subject_type == "exemption.unitrules"
    assert case_warnings(case) == []
    html = client.get(reverse("exemption:detail", args=[case.pk])).content.decode()
    assert 'data-testid="rules-warning"' not in html


def test_rules_rules(handler_a: Any, manager_a: Any, handler_b: Any, reviewer: Any) -> None:
    with pytest.raises(PermissionDenied):
        s.rules_create(user=manager_a, data={"kind": "exemption_rules", "title": "x"})
    with pytest.raises(ValidationError) as exc:
        s.rules_create(
            user=handler_a, data={"kind": "exemption_rules", "title": "x", "adopted_on": START}
        )
    assert exc.value.message_dict == {"adoption_record": [s.ERR_REQUIRED]}
    upload = SimpleUploadedFile("细则.pdf", PDF, "application/pdf")
    rules = s.rules_create(
        user=handler_a, upload=upload, data={"kind": "exemption_rules", "title": "细则"}
    )
    assert rules.original_name == "细则.pdf"
    assert len(rules.sha256) == 64
    with pytest.raises(ValidationError) as exc:
        s.rules_publicise(user=handler_a, rules=rules, today=START)
    assert exc.value.messages == [s.ERR_RULES_NOT_ADOPTED]
    with pytest.raises(PermissionDenied):
        s.rules_adopt(user=handler_b, rules=rules, adopted_on=START, adoption_record="x")
    rules = s.rules_adopt(
        user=handler_a, rules=rules, adopted_on=START, adoption_record="党委会", today=START
    )
    with pytest.raises(ValidationError) as exc:
        s.rules_adopt(
            user=handler_a, rules=rules, adopted_on=START, adoption_record="再", today=START
        )
    assert exc.value.messages == [s.ERR_RULES_ADOPTED]
    s.rules_publicise(user=handler_a, rules=rules, today=START)
    with pytest.raises(ValidationError) as exc:
        s.rules_publicise(user=handler_a, rules=rules, today=START)
    assert exc.value.messages == [s.ERR_RULES_PUBLICISED]
    assert list(rules_visible_to(handler_b)) == []
    assert list(rules_visible_to(reviewer)) == [rules]


def test_rules_page(client: Any, handler_a: Any, handler_b: Any) -> None:
    client.force_login(handler_a)
    response = client.post(
        reverse("exemption:rules"),
        {
            "kind": "exemption_rules",
            "title": "尽职免责实施细则（试行）",
            "document": SimpleUploadedFile("细则.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    rules = rules_visible_to(handler_a).get()
    response = client.post(
        reverse("exemption:rules_adopt", args=[rules.pk]),
        {"adopted_on": START.isoformat(), "adoption_record": "党委会审议通过"},
    )
    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.is_adopted
    assert client.get(reverse("exemption:rules_file", args=[rules.pk])).status_code == 200
    client.force_login(handler_b)
    assert client.get(reverse("exemption:rules_file", args=[rules.pk])).status_code == 404
    assert client.post(reverse("exemption:rules_adopt", args=[rules.pk]), {}).status_code == 404
    assert "尽职免责实施细则" not in client.get(reverse("exemption:rules")).content.decode()
