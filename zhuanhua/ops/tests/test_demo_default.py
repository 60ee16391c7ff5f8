"""The default demo (`make run`) shows the guide at work (issue 19.6) and looks like Yunnan
(issue 22.2): offers of every fee model, negotiations at every step, licences in every state,
publicity, needs, the 先用后转 list, the industries people search for and the home page's example
words that find them."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote

import pytest
from django.db import transaction

from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import HallQuery, achievement_hall
from zhuanhua.audit.services import audit_verify
from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.events.models import MatchmakingEvent
from zhuanhua.licensing.choices import FeeModel, InquiryStatus, LicenceStatus, Side
from zhuanhua.licensing.models import (
    ContractRegistration,
    Inquiry,
    Licence,
    LicenceAlert,
    LicenceOffer,
    Payment,
    RevenueReport,
    RiskClaim,
    TermVersion,
)
from zhuanhua.needs.models import NeedResponse, TechnologyNeed
from zhuanhua.needs.selectors import NeedQuery, need_hall
from zhuanhua.ops import demo
from zhuanhua.publicity.choices import NoticeStatus
from zhuanhua.publicity.models import Objection
from zhuanhua.publicity.selectors import notice_public_list
from zhuanhua.transfer.selectors import use_first_public

KUNMING = "530100"

# What people in Yunnan type into the hall (issue 22): each must find something on the demo.
NATURAL_QUERIES = (
    "茶",
    "咖啡",
    "花卉",
    "核桃",
    "马铃薯",
    "三七",
    "天麻",
    "中药",
    "锡",
    "稀土",
    "铝",
    "储氢",
    "水电",
    "光伏",
    "太阳能",
    "区块链",
    "物联网",
    "滑坡",
    "泥石流",
    "地质灾害",
    "废水",
    "污染",
    "橡胶",
    "烟草",
    "烤烟",
    "茶 加工",
    "咖啡 加工",
    "稀土 材料",
    "铝 合金",
    "储氢 装置",
    "光伏 组件",
    "滑坡 监测",
    "中药 治疗",
    "废水 处理",
    "橡胶 加工",
)


def _hall_count(q: str) -> int:
    return achievement_hall(HallQuery(q=q)).count()


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """The default demo, as `make run` loads it: loaded once for this module's checks (each
    test runs in a savepoint inside this transaction) and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.load_demo()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_default_demo_shows_every_step_of_use_first_pay_later(full_demo):
    offers = LicenceOffer.objects.filter(is_active=True)
    assert offers.values("achievement").distinct().count() >= 30
    licence_offers = offers.filter(deal_kind="license")
    assert set(licence_offers.values_list("fee_model", flat=True)) == set(FeeModel.values)
    assert Inquiry.objects.filter(status=InquiryStatus.OPEN, versions__isnull=True).exists()
    assert Inquiry.objects.filter(status=InquiryStatus.WITHDRAWN).exists()
    open_with_versions = Inquiry.objects.filter(status=InquiryStatus.OPEN, versions__isnull=False)
    latest_sides = {i.versions.order_by("-number").first().side for i in open_with_versions}
    assert latest_sides == {Side.LICENSOR, Side.LICENSEE}  # each side has one to answer
    assert TermVersion.objects.filter(number=2).exists()
    statuses = Counter(Licence.objects.values_list("status", flat=True))
    assert statuses[LicenceStatus.DRAFT_CONTRACT] >= 1
    assert statuses[LicenceStatus.ACTIVE] >= 4
    assert ContractRegistration.objects.exists()
    assert RevenueReport.objects.exists()
    assert Payment.objects.exists()
    alerts = set(LicenceAlert.objects.values_list("code", flat=True))
    assert alerts == {"overdue", "report_missing", "default_risk"}
    assert RiskClaim.objects.exists()
    paid_up = [
        lic
        for lic in Licence.objects.filter(status=LicenceStatus.ACTIVE)
        if lic.payments.exists() and not lic.alerts.exists()
    ]
    assert paid_up  # a licence paid on time beside the overdue ones


@pytest.mark.django_db
def test_default_demo_has_publicity_needs_and_the_use_first_list(full_demo):
    statuses = set(notice_public_list().values_list("status", flat=True))
    assert NoticeStatus.PUBLISHED in statuses
    assert NoticeStatus.CLOSED_OBJECTIONS_HANDLED in statuses
    assert NoticeStatus.CLOSED_NO_OBJECTION in statuses
    assert Objection.objects.exclude(answer="").exists()
    assert Objection.objects.filter(answer="").exists()
    assert need_hall(NeedQuery()).count() >= 5
    assert NeedResponse.objects.count() >= 5
    assert set(TechnologyNeed.objects.values_list("status", flat=True)) == {
        "draft",
        "published",
        "closed",
    }
    listed = list(use_first_public())
    published_untransferred = Achievement.objects.filter(
        status=AchievementStatus.PUBLISHED, transfer_status=TransferStatus.UNTRANSFERRED
    )
    # The 先用后转 list is a part of what the home page counts as 待转化.
    assert 0 < len(listed) <= published_untransferred.count()
    assert {e.achievement_id for e in listed} <= set(
        published_untransferred.values_list("id", flat=True)
    )
    assert audit_verify() is None
    # Matchmaking events in every state; the held one has meetings and intentions.
    assert set(MatchmakingEvent.objects.values_list("status", flat=True)) == {
        "draft",
        "open",
        "held",
        "cancelled",
    }
    held = MatchmakingEvent.objects.get(status="held")
    assert held.meetings.exists()
    assert held.intentions.exists()


@pytest.mark.django_db
def test_default_demo_covers_yunnans_industries_outside_kunming_too(full_demo):
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED)
    by_word: Counter[str] = Counter()
    for industry in demo.INDUSTRIES:
        pattern = re.compile(industry.pattern)
        by_word[industry.word] = sum(
            1
            for title, words in published.values_list("title", "keywords")
            if pattern.search(" ".join([title, *words]))
        )
    # Each of the province's key industries, word by word (咖啡, 三七, 天麻, 储氢 included).
    assert {w: n for w, n in by_word.items() if n < 10} == {}
    prefectures = Counter(published.values_list("prefecture", flat=True))
    assert set(prefectures) == set(PREFECTURES)
    assert prefectures[KUNMING] < 0.6 * published.count()
    missed = [q for q in NATURAL_QUERIES if not _hall_count(q)]
    assert missed == []


@pytest.mark.django_db
def test_home_page_example_words_each_find_something(full_demo, client):
    page = client.get("/").content.decode()
    placeholder = re.search(r'id="home-q"[^>]*placeholder="输入关键词，如：([^"]+)"', page)
    assert placeholder is not None
    words = placeholder.group(1).split("、")
    links = [unquote(q) for q in re.findall(r'href="/achievements/\?q=([^"]+)"', page)]

    assert len(words) >= 4
    assert links == words
    assert {w: _hall_count(w) for w in words if not _hall_count(w)} == {}
