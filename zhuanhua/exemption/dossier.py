"""The dossier (案卷) of an exemption case as PDF: every step from the investigation to the final
decision and its effects, closed by the hash of the case's last audit entry. WeasyPrint with
Noto Sans CJK SC; generated on demand once the final decision is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from zhuanhua.audit.models import AuditEntry
from zhuanhua.exemption.models import ExemptionCase
from zhuanhua.exemption.selectors import article_texts, case_warnings, recorded_dissents
from zhuanhua.exemption.services import CASE_OBJECT_TYPE

CSS_PATH = Path(__file__).with_name("dossier.css")


def case_audit_entries(case: ExemptionCase) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=CASE_OBJECT_TYPE, object_id=str(case.pk)).order_by(
            "seq"
        )
    )


def dossier_context(case: ExemptionCase) -> dict[str, Any]:
    entries = case_audit_entries(case)
    persons = list(case.persons.select_related("user"))
    dissents = recorded_dissents(case)
    for person in persons:
        person.dossier_articles = article_texts(  # type: ignore[attr-defined]
            list((person.recommendation or {}).get("articles") or [])
        )
        person.dossier_dissents = dissents.get(person.pk, [])  # type: ignore[attr-defined]
    notice = case.notice
    return {
        "case": case,
        "warnings": case_warnings(case),
        "persons": persons,
        "records": list(case.records.select_related("person")),
        "minutes": list(case.minutes.prefetch_related("opinions")),
        "notice": notice,
        "objections": list(notice.objections.select_related("objector")) if notice else [],
        "reviews": list(case.reviews.select_related("objection", "reviewed_by")),
        "entries": entries,
        "last_entry": entries[-1] if entries else None,
        "generated_at": timezone.localtime(),
    }


def dossier_html(case: ExemptionCase) -> str:
    return render_to_string("exemption/dossier.html", dossier_context(case))


def dossier_pdf(case: ExemptionCase) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    return HTML(string=dossier_html(case)).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])
