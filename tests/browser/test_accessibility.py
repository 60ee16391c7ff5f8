"""WCAG 2.1 AA on the main pages, for every role that can open them (issue 21.6).

axe-core (npm, tests/browser/axe.py) runs in real Chromium on home, the hall, an achievement, an
offer, an inquiry, a licence with its payment plan, a publicity notice, a subsidy application,
each role's workbench and the dashboards, as the public and as each demo account. A page the
account may not open (403/404) is skipped: "every role that can see them". Any serious or
critical violation fails, printed with its rule, help and target selectors.
"""

from __future__ import annotations

from typing import Any

from tests.browser.axe import axe_violations, describe, serious
from tests.browser.conftest import login, logout

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "zhuanhua2026"  # zhuanhua.ops.demo.DEMO_PASSWORD

# Demo accounts, one per job (zhuanhua/ops/demo.py USERS; the guarantor's admin is made by
# ops/demo_processes.py); None = the public.
ROLES: list[str | None] = [
    None,
    "ynu_manager",  # research unit: achievement manager + organisation admin
    "researcher1",
    "firm_staff",  # enterprise licensee
    "tech_manager1",
    "dept_reviewer",
    "auditor",
    "yn_guarantee_admin",  # guarantor
    "vc_staff",
    "admin",
]


def _targets() -> dict[str, str]:
    """The URL of each main page in the demo's data."""
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer
    from zhuanhua.organisations.models import Organisation
    from zhuanhua.publicity.models import Notice

    firm = Organisation.objects.get(members__username="firm_staff")
    unit = Organisation.objects.get(members__username="ynu_manager")
    licence = (
        Licence.objects.filter(licensee=firm, status="active").order_by("pk").first()
        or Licence.objects.filter(licensee=firm).order_by("pk").first()
    )
    assert licence is not None
    offer = LicenceOffer.objects.filter(achievement__owner=unit).order_by("pk").first()
    inquiry = Inquiry.objects.filter(licensee=firm).order_by("pk").first()
    notice = Notice.objects.exclude(status="draft").order_by("pk").first()
    achievement = Achievement.objects.filter(owner=unit, status="published").order_by("pk").first()
    application = _subsidy_application(firm)
    return {
        "home": "/",
        "hall": "/achievements/",
        "achievement": f"/achievements/{achievement.pk}/",
        "offer": f"/licensing/offers/{offer.pk}/" if offer else "",
        "inquiry": f"/licensing/inquiries/{inquiry.pk}/" if inquiry else "",
        "licence": f"/licensing/licences/{licence.pk}/",
        "notice": f"/publicity/{notice.pk}/" if notice else "",
        "subsidy": f"/subsidies/applications/{application.pk}/",
        "workbench": "/workbench/",
        "dashboard": "/dashboards/",
        "org_dashboard": "/dashboards/mine/",
        "public_dashboard": "/dashboards/public/",
    }


def _subsidy_application(firm: Any) -> Any:
    """The demo enterprise's subsidy application under M7-1, made through the service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhuanhua.accounts.models import User
    from zhuanhua.subsidies import services as subsidies
    from zhuanhua.subsidies.models import SubsidyApplication

    existing = SubsidyApplication.objects.filter(applicant=firm).order_by("pk").first()
    if existing:
        return existing
    evidence = SimpleUploadedFile("银行到账凭证.pdf", PDF, content_type="application/pdf")
    return subsidies.application_submit(
        user=User.objects.get(username="firm_staff"),
        measure="M7-1",
        data={"base_amount": "600000", "contract_ref": "5301012025000123", "registered": True},
        uploads=[("bank_slip", evidence)],
    )


# Pages each account must have reached (a guard against a sweep that silently skips them).
MUST_SEE = {
    "public": {"home", "hall", "achievement", "offer", "notice", "public_dashboard"},
    "ynu_manager": {"workbench", "achievement", "offer", "notice", "org_dashboard"},
    "firm_staff": {"workbench", "inquiry", "licence", "subsidy", "org_dashboard"},
    "dept_reviewer": {"workbench", "dashboard", "subsidy"},
    "auditor": {"workbench", "dashboard"},
}


def test_main_pages_pass_wcag_21_aa_for_every_role(page, transactional_db):
    """One demo load, then every role in turn (a load per role would triple the run time)."""
    from zhuanhua.ops.demo import load_demo

    load_demo(size=40)
    targets = _targets()
    found: list[str] = []
    for who in ROLES:
        name_of_role = who or "public"
        logout(page)
        if who:
            login(page, who, password=PASSWORD)
        checked = set()
        for name, url in targets.items():
            if not url or (who is None and name == "workbench"):
                continue
            response = page.goto(page.base + url)
            if response is None or response.status in (403, 404) or "/accounts/login/" in page.url:
                continue  # this role may not open it
            if response.status >= 400:
                found.append(f"{name_of_role} {name} {url} answered {response.status}")
                continue
            page.wait_for_load_state("networkidle")
            checked.add(name)
            bad = serious(axe_violations(page))
            if bad:
                found.append(describe(f"{name_of_role} {name} {url}", bad))
        missing = MUST_SEE.get(name_of_role, {"home", "workbench"}) - checked
        assert not missing, f"{name_of_role} could not open {sorted(missing)}"
    assert not found, "\n".join(found)
