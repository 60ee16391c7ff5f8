"""WCAG 2.1 AA on the main pages, for every role that can open them (issue 21.6).

axe-core (npm, tests/browser/axe.py) runs in real Chromium on home, the hall, an achievement, an
offer, an inquiry, a licence with its payment plan, a publicity notice, a subsidy application,
each role's workbench and the dashboards (department, own organisation, public), as the public
and as every demo account (zhuanhua/ops/demo.py USERS, plus the guarantor's administrator the
processes make). A page the account may not open (403/404, or the log-in page) is skipped:
"every role that can see them". Any serious or critical violation fails, printed with its rule,
help and target selectors. The public also opens the other entry pages (search, needs, offers,
先用后转, notices, subsidy catalogue, log-in, sign-up).

Run time: each account's first page is checked whole (header, footer, page-level rules); on the
next pages only <main>, and a <main> already checked with the same markup for another account
(the hall, an achievement …) is not checked again. Every page is still opened as every account.
"""

from __future__ import annotations

import hashlib
from typing import Any

from playwright.sync_api import expect

from tests.browser.axe import axe_violations, describe, serious
from tests.browser.conftest import login, logout

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "zhuanhua2026"  # zhuanhua.ops.demo.DEMO_PASSWORD
GUARANTOR = "yn_guarantee_admin"  # made by ops/demo_processes.py (a licence's guarantee)

# The public's other entry pages, checked as the public only (signed-in accounts see the same
# <main>, the header is checked on each account's first page).
PUBLIC_LISTS = {
    "search": "/search/?q=%E8%8C%B6",  # 茶
    "needs": "/needs/",
    "offers": "/licensing/offers/",
    "use_first": "/transfer/use-first/",
    "notices": "/publicity/",
    "subsidy_catalogue": "/subsidies/",
    "log_in": "/accounts/login/",
    "sign_up": "/organisations/sign-up/",
}

# Pages each account must have reached (a guard against a sweep that silently skips them).
MUST_SEE = {
    "public": {"home", "hall", "achievement", "offer", "notice", "public_dashboard", *PUBLIC_LISTS},
    "ynu_manager": {"workbench", "achievement", "offer", "inquiry", "licence", "org_dashboard"},
    "firm_staff": {"workbench", "inquiry", "licence", "subsidy", "org_dashboard"},
    "dept_reviewer": {"workbench", "dashboard", "subsidy"},
    "auditor": {"workbench", "dashboard", "licence", "subsidy"},
}

# <main> without what changes on every load (CSRF tokens, chart ids ECharts gives its canvas).
MAIN_MARKUP = """() => {
  const main = document.querySelector('main');
  return main ? main.innerHTML.replace(/value="[A-Za-z0-9]{64}"/g, '')
                              .replace(/_echarts_instance_="[^"]*"/g, '') : '';
}"""
# Charts drawn (or refused): their text alternative is set once the data is in.
CHARTS_SETTLED = """() => [...document.querySelectorAll('.zh-chart')]
  .every(el => el.dataset.rendered === 'true' || el.textContent.trim() !== '')"""


def _targets() -> dict[str, str]:
    """The URL of each main page in the demo's data."""
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer
    from zhuanhua.organisations.models import Organisation
    from zhuanhua.publicity.models import Notice

    firm = Organisation.objects.get(members__username="firm_staff")
    unit = Organisation.objects.get(members__username="ynu_manager")
    licences = Licence.objects.filter(licensee=firm, licensor=unit).order_by("pk")
    licence = licences.filter(status="active").first() or licences.first()
    assert licence is not None, "the demo has no licence between ynu and the demo enterprise"
    offer = LicenceOffer.objects.filter(achievement__owner=unit).order_by("pk").first()
    inquiry = Inquiry.objects.filter(licensee=firm, licensor=unit).order_by("pk").first()
    notice = Notice.objects.exclude(status="draft").order_by("pk").first()
    achievement = Achievement.objects.filter(owner=unit, status="published").order_by("pk").first()
    for found_row in (offer, inquiry, notice, achievement):
        assert found_row is not None
    application = _subsidy_application(firm)
    return {
        "home": "/",
        "workbench": "/workbench/",
        "hall": "/achievements/",
        "achievement": f"/achievements/{achievement.pk}/",
        "offer": f"/licensing/offers/{offer.pk}/",
        "inquiry": f"/licensing/inquiries/{inquiry.pk}/",
        "licence": f"/licensing/licences/{licence.pk}/",
        "notice": f"/publicity/{notice.pk}/",
        "subsidy": f"/subsidies/applications/{application.pk}/",
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


def test_main_pages_pass_wcag_21_aa_for_every_role(page, transactional_db):
    """One demo load, then every account in turn (a load per account would add minutes)."""
    from zhuanhua.ops.demo import USERS, load_demo

    load_demo(size=40)
    targets = _targets()
    roles: list[str | None] = [None, *(u.username for u in USERS), GUARANTOR]
    found: list[str] = []
    seen_mains: set[str] = set()
    pages_opened = axe_runs = 0
    for who in roles:
        role = who or "public"
        logout(page)
        if who:
            login(page, who, password=PASSWORD)
        checked: set[str] = set()
        pages = {**targets, **PUBLIC_LISTS} if who is None else targets
        for name, url in pages.items():
            if who is None and name == "workbench":
                continue
            response = page.goto(page.base + url)
            pages_opened += 1
            sent_to_log_in = "/accounts/login/" in page.url and name != "log_in"
            if response is None or response.status in (403, 404) or sent_to_log_in:
                continue  # this account may not open it
            if response.status >= 400:
                found.append(f"{role} {name} {url} answered {response.status}")
                continue
            if page.locator(".zh-chart").count():
                page.wait_for_function(CHARTS_SETTLED)
            checked.add(name)
            include = None
            if len(checked) > 1:  # the header and footer were checked on this account's first page
                main = hashlib.sha256(page.evaluate(MAIN_MARKUP).encode()).hexdigest()
                if main in seen_mains:
                    continue
                seen_mains.add(main)
                include = "main"
            axe_runs += 1
            bad = serious(axe_violations(page, include))
            if bad:
                found.append(describe(f"{role} {name} {url}", bad))
        missing = MUST_SEE.get(role, {"home", "workbench"}) - checked
        assert not missing, f"{role} could not open {sorted(missing)}"
    print(f"axe: {pages_opened} pages opened as {len(roles)} accounts, {axe_runs} checks")
    assert not found, "\n".join(found)
    expect(page.locator("main")).to_be_visible()
