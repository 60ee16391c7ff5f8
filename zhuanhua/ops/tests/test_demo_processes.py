"""The small demo the browser tests load (`load_demo(size=40)`) still fills every public list
and reaches every negotiation step; `make run` keeps its mail out of the console; a reset
reloads the processes too."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail

from zhuanhua.audit.services import audit_verify
from zhuanhua.credit.models import CreditReferral
from zhuanhua.licensing.models import (
    CureNotice,
    Licence,
    LicenceAlert,
    LicenceOffer,
    Payment,
    RevenueReport,
    RiskClaim,
)
from zhuanhua.licensing.selectors import offers_public
from zhuanhua.needs.selectors import NeedQuery, need_hall
from zhuanhua.ops import demo
from zhuanhua.ops.demo_processes import STAGES
from zhuanhua.organisations.models import Organisation
from zhuanhua.publicity.models import Notice
from zhuanhua.publicity.selectors import notice_public_list
from zhuanhua.transfer.selectors import use_first_public

SMALL = 40


@pytest.mark.django_db
def test_small_demo_fills_every_public_list_page(client):
    demo.load_demo(size=SMALL)

    assert offers_public().count() >= 3
    assert notice_public_list().exists()
    assert use_first_public().exists()
    assert need_hall(NeedQuery()).exists()
    pages = {
        "/licensing/offers/": offers_public().first().achievement.title,
        "/publicity/": notice_public_list().first().title,
        "/transfer/use-first/": use_first_public().first().achievement.title,
        "/needs/": need_hall(NeedQuery()).first().title,
    }
    for path, title in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert title[:20] in response.content.decode(), path


@pytest.mark.django_db
def test_small_demo_still_reaches_every_negotiation_step():
    result = demo.load_demo(size=SMALL)

    assert result.processes is not None
    assert set(result.processes.stages) == set(STAGES)
    assert set(LicenceAlert.objects.values_list("code", flat=True)) == {
        "overdue",
        "report_missing",
        "default_risk",
    }


@pytest.mark.django_db
def test_small_demo_shows_the_licences_gone_wrong():
    demo.load_demo(size=SMALL)

    open_notice = CureNotice.objects.get(status="open")
    assert open_notice.licence.status == "active"
    assert open_notice.cure_deadline > open_notice.sent_on
    ended = Licence.objects.get(status="terminated")
    assert ended.termination_kind == "breach"
    assert CureNotice.objects.get(licence=ended).status == "terminated"
    assert RevenueReport.objects.filter(superseded_by__isnull=False).count() == 1
    reversed_payment = Payment.objects.get(reversed_on__isnull=False)
    assert reversed_payment.reversal_reason == "同一笔银行回单重复录入，冲正。"
    claim = RiskClaim.objects.get(status="paid")  # the alert job opens another, left open
    assert claim.payout_amount > 0
    referral = CreditReferral.objects.get()
    assert referral.organisation_id == claim.cover.licence.licensee_id


def _dev_email_backend(**env: str) -> str:
    """EMAIL_BACKEND of the dev settings (`make run`) in a fresh process with ``env``."""
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_EMAIL_BACKEND"}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.dev")
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.EMAIL_BACKEND)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_make_run_writes_mail_to_files_unless_console_is_asked():
    assert _dev_email_backend() == "django.core.mail.backends.filebased.EmailBackend"
    assert (
        _dev_email_backend(ZHUANHUA_EMAIL_CONSOLE="1")
        == "django.core.mail.backends.console.EmailBackend"
    )


@pytest.mark.django_db
def test_demo_sends_mail():
    demo.load_demo(size=SMALL)

    assert mail.outbox  # alerts, reminders and notifications went through the mail backend


@pytest.mark.django_db
def test_demo_reset_removes_and_reloads_the_processes():
    demo.load_demo(size=SMALL)
    before = (
        LicenceOffer.objects.count(),
        Licence.objects.count(),
        Notice.objects.count(),
        Organisation.objects.count(),
    )

    demo.load_demo(size=SMALL, reset=True)

    assert (
        LicenceOffer.objects.count(),
        Licence.objects.count(),
        Notice.objects.count(),
        Organisation.objects.count(),
    ) == before
    assert audit_verify() is None
