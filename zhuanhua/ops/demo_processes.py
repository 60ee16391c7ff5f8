"""The processes of the demo (`zhuanhua demo`): what the 先使用后付费 guide is about, in motion.

On top of the registry that zhuanhua.ops.demo loads, this walks the apps' own services, so
every row has its audit entry and every state was reached by a legal move:

- the 先用后转 list (transfer's daily job, run on the demo's day);
- 先使用后付费 offers of all three fee models (licensing.offer_publish);
- negotiations at every step: asked, proposed, countered, withdrawn, agreed (contract to sign),
  signed, registered and paid on time (a revenue report corrected, a payment entered twice and
  reversed), reporting but overdue (a cure notice open), at default risk with a guarantee (its
  claim paid by the guarantor) referred for credit review, terminated for breach after its
  cure deadline, agreement-priced behind a closed publicity notice;
- publicity notices open and closed, with objections answered and one waiting;
- technology needs of enterprises, answered by units with their achievements;
- the licensing alerts job, so overdue payments, missing reports and default risk show.

Dates are counted back from the demo's day (the services check "not in the future" against the
real date, so the demo's day is today). Deterministic for a given day: one seeded rng.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.achievements.choices import AchievementStatus, IndustryField, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import HallQuery, achievement_hall
from zhuanhua.credit.models import CreditReferral
from zhuanhua.licensing import cover as cover_services
from zhuanhua.licensing import services as licensing
from zhuanhua.licensing import termination
from zhuanhua.licensing.choices import FeeModel, LicenseMode, PricingMethod
from zhuanhua.licensing.jobs import licensing_alerts_due
from zhuanhua.licensing.models import (
    ContractRegistration,
    CureNotice,
    DistributionPlan,
    Inquiry,
    Licence,
    LicenceOffer,
    MilestoneAchievement,
    Payment,
    RevenueReport,
    RiskClaim,
    RiskCover,
    SignedContract,
    TerminationProposal,
)
from zhuanhua.licensing.referral import licence_refer_for_credit_review
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.terms import OFFER_KEYS, add_months
from zhuanhua.needs import services as needs
from zhuanhua.needs.models import NeedResponse, TechnologyNeed
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES
from zhuanhua.organisations.models import Organisation
from zhuanhua.publicity import services as publicity
from zhuanhua.publicity.choices import NoticeKind
from zhuanhua.publicity.models import Notice, Objection
from zhuanhua.transfer import services as transfer
from zhuanhua.transfer.models import UseFirstListEntry

F = IndustryField
# A blank one-page PDF stands for the scan of a signed contract.
SIGNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
REGISTRY = "云南省技术市场服务中心技术合同登记处"

# Enterprises that take licences in each field (organisation keys of zhuanhua.ops.demo.ORGS).
FIELD_LICENSEES: dict[str, tuple[str, ...]] = {
    F.MODERN_AGRICULTURE: ("dl_erhai", "zt_apple", "hh_pomegranate", "nj_caoguo", "hekai_coop"),
    F.FOOD: ("pe_tea", "bs_coffee", "dq_qingke", "lc_nut", "hekai_coop"),
    F.BIOMEDICINE: ("ws_sanqi", "cx_yiyao", "lj_bio"),
    F.NEW_MATERIALS: ("gj_solder", "bn_rubber", "qj_pv"),
    F.NEW_ENERGY: ("qj_pv", "dianchi_water"),
    F.ELECTRONIC_INFORMATION: ("yunzhi_soft", "dh_digital"),
    F.ADVANCED_MANUFACTURING: ("yx_equip", "qj_agmach"),
    F.RESOURCES_ENVIRONMENT: ("dianchi_water", "dl_erhai"),
    F.CONSTRUCTION: ("yx_equip", "dianchi_water"),
    F.SOCIAL_DEVELOPMENT: ("dh_digital", "yunzhi_soft"),
}
ANY_LICENSEE = ("dianchi_water", "yunzhi_soft", "yx_equip", "dl_erhai")
# Accounts the printed table already holds, by organisation key.
KNOWN_EDITORS = {
    "ynu": "ynu_manager",
    "kust": "kust_manager",
    "yaas": "yaas_manager",
    "kib": "kib_manager",
}
KNOWN_AGENTS = {"dianchi_water": "firm_staff", "hekai_coop": "firm_staff2"}

# What each negotiation reaches, in the order offers receive them (then again, cycling).
STAGES = (
    "asked",  # an inquiry with messages, no terms yet
    "paid",  # signed a year ago, registered, every report filed, every payment made
    "proposed",  # the enterprise proposed version 1; the unit has to answer
    "overdue",  # signed, reports filed, the last royalty unpaid past its grace days
    "countered",  # the unit countered with version 2; the enterprise has to answer
    "default_risk",  # signed, nothing paid for over 90 days; a guarantee and its claim
    "terminated",  # signed, nothing paid; a cure notice 60 days ago, terminated for breach today
    "agreed",  # version accepted: the contract waits for signatures; its notice is open
    "signed",  # signed last month, first payment not yet due
    "agreement_priced",  # publicity notice closed (an objection answered), then signed
    "withdrawn",  # the enterprise proposed, then withdrew (its budget moved to next year)
)
# Enterprises of the printed accounts (firm_staff, firm_staff2) in the first round of stages.
PRINTED_LICENSEES = {
    "paid": "dianchi_water",
    "overdue": "dianchi_water",
    "countered": "dianchi_water",
    "agreed": "dianchi_water",
    "asked": "hekai_coop",
    "proposed": "hekai_coop",
    "signed": "hekai_coop",
}

# Stages whose story needs royalty reports take offers with a royalty.
STAGE_MODELS = {
    "paid": (FeeModel.STAGED_ROYALTY, FeeModel.ROYALTY),
    "overdue": (FeeModel.ROYALTY, FeeModel.STAGED_ROYALTY),
    "default_risk": (FeeModel.STAGED_ROYALTY, FeeModel.ROYALTY),  # reports stop, too
    "terminated": (FeeModel.STAGED_ROYALTY, FeeModel.ROYALTY),
}


@dataclass
class ProcessResult:
    offers: int = 0
    inquiries: int = 0
    licences: int = 0
    active_licences: int = 0
    notices: int = 0
    objections: int = 0
    needs: int = 0
    responses: int = 0
    use_first_entries: int = 0
    alerts: int = 0
    staff: int = 0  # accounts made for organisations without a printed one
    stages: dict[str, int] = field(default_factory=dict)


@dataclass
class Ctx:
    rng: random.Random
    today: dt.date
    orgs: dict[str, Organisation]
    users: dict[str, Any]
    password: str
    result: ProcessResult
    agents: dict[tuple[str, str], Any] = field(default_factory=dict)
    seq: int = 0

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def person(self, key: str, kind: str) -> Any:
        """The account that acts for organisation ``key``: a printed demo account when there is
        one, else a staff account made here (same password, not printed)."""
        known = (KNOWN_EDITORS if kind == "editor" else KNOWN_AGENTS).get(key)
        if known and known in self.users:
            return self.users[known]
        if (key, kind) in self.agents:
            return self.agents[(key, kind)]
        roles = {
            "editor": [Role.ACHIEVEMENT_MANAGER, Role.ORG_ADMIN],
            "agent": [Role.LICENSEE_STAFF, Role.ORG_ADMIN],
            "admin": [Role.ORG_ADMIN],
        }[kind]
        org = self.orgs[key]
        user = get_user_model().objects.create(
            username=f"{key}_{kind}",
            display_name=f"{org.contact_name or org.name[:4]}（{'经办人' if kind != 'editor' else '成果管理员'}）",
            password=self.password,
            email=f"{key}_{kind}@demo.zhuanhua.local",
            organisation=org,
            roles=[str(r) for r in roles],
        )
        self.agents[(key, kind)] = user
        return user


def staff_usernames(org_keys: list[str]) -> list[str]:
    """Every account this module may create (for the demo's reset)."""
    return [f"{key}_{kind}" for key in org_keys for kind in ("editor", "agent", "admin")]


def processes_delete(orgs: Any) -> None:
    """Delete what the processes wrote for the demo's organisations (``orgs``: a queryset),
    children first (the apps protect their rows from a parent's delete)."""
    licences = Licence.objects.filter(Q(licensor__in=orgs) | Q(licensee__in=orgs))
    CreditReferral.objects.filter(organisation__in=orgs).delete()
    RiskClaim.objects.filter(cover__licence__in=licences).delete()
    CureNotice.objects.filter(licence__in=licences).delete()
    reports = RevenueReport.objects.filter(licence__in=licences)
    # A correction protects the report it supersedes: delete the latest of each chain first.
    while reports.filter(supersedes__isnull=False).exists():
        reports.filter(supersedes__isnull=False, superseded_by__isnull=True).delete()
    TerminationProposal.objects.filter(licence__in=licences).delete()
    for model in (
        RiskCover,
        DistributionPlan,
        ContractRegistration,
        SignedContract,
        Payment,
        MilestoneAchievement,
        RevenueReport,
    ):
        model.objects.filter(licence__in=licences).delete()
    licences.delete()
    Inquiry.objects.filter(Q(licensor__in=orgs) | Q(licensee__in=orgs)).delete()
    LicenceOffer.objects.filter(achievement__owner__in=orgs).delete()
    notices = Notice.objects.filter(publisher__in=orgs)
    Objection.objects.filter(Q(notice__in=notices) | Q(objector_organisation__in=orgs)).delete()
    notices.delete()
    NeedResponse.objects.filter(Q(unit__in=orgs) | Q(enterprise__in=orgs)).delete()
    TechnologyNeed.objects.filter(owner__in=orgs).delete()


def load_processes(
    *,
    rng: random.Random,
    today: dt.date,
    orgs: dict[str, Organisation],
    users: dict[str, Any],
    password: str,
    size: int,
    log: Callable[[str], None] = lambda _msg: None,
) -> ProcessResult:
    """Run every process of the demo; ``size`` (the demo's record count) scales the offers."""
    ctx = Ctx(rng, today, orgs, users, password, ProcessResult())
    transfer.use_first_list_update(today=today)  # before the offers: theirs mark terms completed
    offers = _publish_offers(ctx, count=max(len(STAGES), min(45, size // 9)))
    # The printed accounts see the story first: their units' offers take the first round of
    # stages, and their enterprises are the licensees there (PRINTED_LICENSEES).
    keys = {org.pk: key for key, org in orgs.items()}
    waiting = sorted(offers, key=lambda o: keys[o.achievement.owner_id] not in KNOWN_EDITORS)
    for i in range(min(2 * len(STAGES), len(offers))):
        stage = STAGES[i % len(STAGES)]
        wanted = STAGE_MODELS.get(stage, tuple(FeeModel))
        offer = next((o for o in waiting if o.fee_model in wanted), waiting[0])
        waiting.remove(offer)
        licensee = PRINTED_LICENSEES.get(stage, "") if i < len(STAGES) else ""
        _negotiate(ctx, offer, stage, licensee)
        ctx.result.stages[stage] = ctx.result.stages.get(stage, 0) + 1
    _rights_grant_notices(ctx)
    _needs(ctx, offers)
    ctx.result.alerts = licensing_alerts_due(today)["new_alerts"]
    transfer.use_first_list_update(today=today)  # the signed licences leave the list
    r = ctx.result
    r.staff = len(ctx.agents)
    r.use_first_entries = UseFirstListEntry.objects.filter(left_on__isnull=True).count()
    r.licences = Licence.objects.filter(licensor__in=orgs.values()).count()
    r.active_licences = Licence.objects.filter(licensor__in=orgs.values(), status="active").count()
    log(
        f"先使用后付费：报价 {r.offers} 项，商洽 {r.inquiries} 件，许可 {r.licences} 项"
        f"（履行中 {r.active_licences} 项），预警 {r.alerts} 条；公示 {r.notices} 项"
        f"（异议 {r.objections} 条）；技术需求 {r.needs} 项（回应 {r.responses} 件）；"
        f"先用后转清单 {r.use_first_entries} 项。"
    )
    return r


# ------------------------------------------------------------------------------------ offers

STUDY_TITLE = re.compile(r"\d+\s*例|研究$|探讨|观察|分析|影响$|调查|初报|综述|进展")
OFFER_FIELDS_OF_USE: dict[str, str] = {
    F.MODERN_AGRICULTURE: "种植、养殖及农产品初加工",
    F.FOOD: "食品、饮料加工",
    F.BIOMEDICINE: "药品、保健食品研发与生产",
    F.NEW_MATERIALS: "材料制备与加工",
    F.NEW_ENERGY: "新能源装备与运维",
    F.RESOURCES_ENVIRONMENT: "环保工程与设施运营",
}
PREFECTURE_TERRITORY = "云南省"


def _offer_terms(rng: random.Random, fee_model: str) -> tuple[dict[str, Any], str]:
    """Terms of an offer and the sentence that says them (the offer's fee standard)."""
    upfront = rng.choice((0, 0, 10_000, 20_000, 50_000))
    up = "零门槛费" if not upfront else f"门槛费 {upfront // 10_000} 万元"
    terms: dict[str, Any] = {"upfront_fee": str(upfront), "grace_days": rng.choice((0, 15, 30))}
    words = [up]
    if fee_model in (FeeModel.STAGED, FeeModel.STAGED_ROYALTY):
        first, second = rng.choice((50_000, 80_000, 100_000)), rng.choice((100_000, 150_000))
        terms["installments"] = [
            {"key": "中试完成", "amount": str(first), "milestone": "中试完成", "days_after": 30},
            {"key": "量产销售", "amount": str(second), "milestone": "量产销售", "days_after": 60},
        ]
        words.append(
            f"中试完成后 30 日内付 {first // 10_000} 万元、量产销售后 60 日内付 {second // 10_000} 万元"
        )
    if fee_model in (FeeModel.ROYALTY, FeeModel.STAGED_ROYALTY):
        period = rng.choice(("quarter", "quarter", "half", "year"))
        period_words = {"quarter": "按季度", "half": "按半年", "year": "按年"}[period]
        if rng.random() < 0.3:
            terms["royalty"] = {
                "period": period,
                "tiers": [
                    {"up_to": "1000000", "rate": "0.03"},
                    {"up_to": None, "rate": "0.05"},
                ],
                "cap_total": "800000",
            }
            words.append(f"{period_words}收入提成：100 万元以内 3%，超过部分 5%，提成封顶 80 万元")
        else:
            rate = rng.choice(("0.02", "0.03", "0.04", "0.05"))
            terms["royalty"] = {"period": period, "rate": rate}
            words.append(f"{period_words}收入提成 {int(Decimal(rate) * 100)}%")
    return terms, "；".join(words) + "。"


def _publish_offers(ctx: Ctx, *, count: int) -> list[LicenceOffer]:
    """Offers on published, untransferred achievements of research units (those on the
    先用后转 list first), at most three per unit, fee models in turn."""
    keys = {org.pk: key for key, org in ctx.orgs.items()}
    candidates = list(
        Achievement.objects.filter(
            status=AchievementStatus.PUBLISHED,
            transfer_status=TransferStatus.UNTRANSFERRED,
            owner__org_type__in=RESEARCH_UNIT_TYPES,
            owner__in=ctx.orgs.values(),
        ).order_by("pk")
    )
    ctx.rng.shuffle(candidates)
    listed = set(
        UseFirstListEntry.objects.filter(left_on__isnull=True).values_list(
            "achievement_id", flat=True
        )
    )
    # Stable sort of the shuffled list: listed ones first, then titles that read like a
    # technology rather than a study ("…治疗 32 例", "…的影响").
    candidates.sort(key=lambda a: (a.pk not in listed, bool(STUDY_TITLE.search(a.title))))
    per_owner: dict[int, int] = {}
    models = [FeeModel.ROYALTY, FeeModel.STAGED, FeeModel.STAGED_ROYALTY]
    offers: list[LicenceOffer] = []
    for achievement in candidates:
        if len(offers) >= count:
            break
        if per_owner.get(achievement.owner_id, 0) >= 3:
            continue
        per_owner[achievement.owner_id] = per_owner.get(achievement.owner_id, 0) + 1
        fee_model = models[len(offers) % 3]
        terms, words = _offer_terms(ctx.rng, fee_model)
        editor = ctx.person(keys[achievement.owner_id], "editor")
        offers.append(
            licensing.offer_publish(
                user=editor,
                achievement=achievement,
                data={
                    "summary": (
                        f"“{achievement.title[:60]}”面向省内中小微企业以先使用后付费方式许可，"
                        "单位提供技术资料、人员培训和现场指导。"
                    ),
                    "fee_standard": words,
                    "fee_model": fee_model,
                    "terms": terms,
                    "license_mode": ctx.rng.choice(
                        (LicenseMode.NON_EXCLUSIVE, LicenseMode.NON_EXCLUSIVE, LicenseMode.SOLE)
                    ),
                    "term_months": ctx.rng.choice((24, 36, 36, 60)),
                    "field_of_use": OFFER_FIELDS_OF_USE.get(achievement.industry_field, ""),
                    "territory": PREFECTURE_TERRITORY,
                },
            )
        )
    ctx.result.offers = len(offers)
    return offers


# ------------------------------------------------------------------------------ negotiations


def _licensee_for(ctx: Ctx, offer: LicenceOffer) -> str:
    owner = offer.achievement.owner_id
    keys = FIELD_LICENSEES.get(offer.achievement.industry_field, ANY_LICENSEE)
    choices = [k for k in keys if ctx.orgs[k].pk != owner] or [
        k for k in ANY_LICENSEE if ctx.orgs[k].pk != owner
    ]
    return ctx.rng.choice(choices)


def _version_terms(offer: LicenceOffer, start: dt.date, *, fixed_dates: bool) -> dict[str, Any]:
    """The offer's terms on a term from ``start``; milestones become dates when the deal's
    history needs payments that fall due."""
    terms = {k: v for k, v in offer.terms.items() if k in OFFER_KEYS}
    terms["upfront_due"] = (start + dt.timedelta(days=30)).isoformat()
    if fixed_dates and not Decimal(terms.get("upfront_fee") or 0):
        terms["upfront_fee"] = "10000"  # negotiated: a deal with a history starts with a fee
    if fixed_dates and terms.get("royalty"):  # quarterly reports make the history visible
        terms["royalty"] = {**terms["royalty"], "period": "quarter"}
    if fixed_dates and terms.get("installments"):
        terms["installments"] = [
            {
                "key": item["key"],
                "amount": item["amount"],
                "due": (start + dt.timedelta(days=d)).isoformat(),
            }
            for item, d in zip(terms["installments"], (120, 300), strict=False)
        ]
    return {
        "fee_model": offer.fee_model,
        "start": start.isoformat(),
        "end": add_months(start, offer.term_months).isoformat(),
        **terms,
    }


def _negotiate(ctx: Ctx, offer: LicenceOffer, stage: str, licensee: str = "") -> None:
    key = licensee if licensee and ctx.orgs[licensee].pk != offer.achievement.owner_id else ""
    key = key or _licensee_for(ctx, offer)
    agent = ctx.person(key, "agent")
    keys = {org.pk: k for k, org in ctx.orgs.items()}
    editor = ctx.person(keys[offer.achievement.owner_id], "editor")
    inquiry = licensing.inquiry_open(
        user=agent,
        offer=offer,
        message=f"我司（{ctx.orgs[key].name}）有意承接该成果，希望了解中试条件和技术指导安排。",
    )
    ctx.result.inquiries += 1
    licensing.message_post(
        user=editor,
        inquiry=inquiry,
        body="欢迎来访。成果已完成小试，可提供工艺包和两次现场指导，请提出贵方拟定的条款。",
    )
    if stage == "asked":
        return
    history = {"paid": 400, "overdue": 260, "default_risk": 420, "terminated": 420, "signed": 25}
    start = ctx.day(history[stage]) if stage in history else ctx.today + dt.timedelta(days=30)
    if stage == "agreement_priced":
        start = ctx.day(10)
    terms = _version_terms(offer, start, fixed_dates=stage in history)
    licensing.version_propose(
        user=agent, inquiry=inquiry, terms=terms, note="按报价条款，起始日按我司投产计划。"
    )
    if stage == "proposed":
        return
    if stage == "withdrawn":
        licensing.inquiry_withdraw(
            user=agent, inquiry=inquiry, reason="本年度技改预算已调整，明年再议。"
        )
        return
    if stage == "countered":
        counter = dict(terms, upfront_fee=str(Decimal(terms["upfront_fee"]) + 10_000))
        licensing.version_propose(
            user=editor, inquiry=inquiry, terms=counter, note="门槛费增加 1 万元，含两次现场培训。"
        )
        return
    licence = licensing.version_accept(user=editor, inquiry=inquiry, number=1)
    if stage == "agreed":
        _agreement_notice(ctx, licence, editor, starts_on=ctx.today, objector="tech_manager1")
        return
    if stage == "agreement_priced":
        licensing.licence_set_pricing_method(
            user=editor, licence=licence, pricing_method=PricingMethod.AGREEMENT
        )
        _agreement_notice(
            ctx,
            licence,
            editor,
            starts_on=ctx.day(40),
            objector="researcher2",
            close_on=ctx.day(15),
        )
    signed_on = start if stage != "agreement_priced" else ctx.day(5)
    licence = _sign(ctx, licence, editor, signed_on)
    if stage in ("signed", "agreement_priced"):
        return
    _register(ctx, licence, editor)
    _reports(ctx, licence, agent, skip_last=stage in ("default_risk", "terminated"))
    if stage == "paid":
        _correct_first_report(ctx, licence, agent)
    _payments(ctx, licence, editor, stage)
    if stage == "paid":
        _reverse_a_double_entry(ctx, licence, editor)
    if stage == "overdue":
        _cure_notice(licence, editor, ctx.today)
    if stage == "default_risk":
        admin = ctx.person("yn_guarantee", "admin")
        cover = licensing.cover_attach(
            user=admin,
            licence=licence,
            share="0.5",
            limit_amount="200000",
            starts_on=licence.start,
            ends_on=licence.end,
        )
        licence_refer_for_credit_review(
            user=editor,
            licence=licence,
            reason="逾期 90 日以上未付款且停止报送收入报告，经催收未果，提请信用审查。",
        )
        _guarantor_pays(ctx, cover, editor, admin)
    if stage == "terminated":
        _terminate_for_breach(ctx, licence, editor)


def _sign(ctx: Ctx, licence: Licence, editor: Any, signed_on: dt.date) -> Licence:
    """Record the signed contract. Terms negotiated away from the offer make the deal
    agreement-priced, which the service refuses to sign before its notice has run: then
    publish that notice (ended before the signing day, no objection) and sign."""

    def activate() -> Licence:
        return licensing.licence_activate(
            user=editor,
            licence=licence,
            signed_on=signed_on,
            signed_pdf=SimpleUploadedFile("signed.pdf", SIGNED_PDF, content_type="application/pdf"),
        )

    try:
        return activate()
    except ValidationError as exc:
        if "pricing_method" not in exc.message_dict:
            raise
    _agreement_notice(
        ctx,
        licence,
        editor,
        starts_on=signed_on - dt.timedelta(days=45),
        close_on=signed_on - dt.timedelta(days=2),
    )
    return activate()


def _register(ctx: Ctx, licence: Licence, editor: Any) -> None:
    ctx.seq += 1
    fixed = Decimal(licence.terms.get("upfront_fee") or 0) + sum(
        (Decimal(i["amount"]) for i in licence.terms.get("installments") or []), Decimal(0)
    )
    amount = max(fixed, Decimal(100_000))
    assert licence.signed_on is not None
    licensing.registration_record(
        user=editor,
        licence=licence,
        data={
            "contract_type": "license",
            "registration_number": f"{licence.signed_on.year}5301{ctx.seq:06d}",
            "registry": REGISTRY,
            "registered_on": min(licence.signed_on + dt.timedelta(days=12), ctx.today),
            "transaction_amount": str(amount),
            "technical_income_amount": str((amount * Decimal("0.9")).quantize(Decimal("0.01"))),
        },
    )


def _reports(ctx: Ctx, licence: Licence, agent: Any, *, skip_last: bool) -> None:
    """The licensee reports each ended period ten days after it (a defaulting one stops
    reporting after the first)."""
    ended = [
        (s, e) for s, e in licensing.royalty_periods(licence) if e + dt.timedelta(10) < ctx.today
    ]
    if skip_last:
        ended = ended[:1]
    for start, end in ended:
        revenue = Decimal(ctx.rng.randrange(300_000, 2_500_000, 10_000))
        licensing.revenue_report_file(
            user=agent,
            licence=licence,
            period_start=start,
            revenue_amount=str(revenue),
            reported_on=end + dt.timedelta(days=10),
        )


def _payments(ctx: Ctx, licence: Licence, editor: Any, stage: str) -> None:
    """Pay what fell due: all of it (paid), all but the latest (overdue), nothing (default
    risk)."""
    if stage == "default_risk":
        return
    fresh = Licence.objects.prefetch_related("revenue_reports", "payments", "milestones").get(
        pk=licence.pk
    )
    due = [
        o
        for o in licence_schedule(fresh, ctx.today).obligations
        if o.amount and o.due is not None and o.due <= ctx.today
    ]
    due.sort(key=lambda o: o.due or ctx.today)
    if stage == "overdue" and due:
        due.pop()  # the latest obligation stays unpaid
    for n, o in enumerate(due, start=1):
        assert o.due is not None
        assert o.amount is not None
        licensing.payment_record(
            user=editor,
            licence=licence,
            amount=str(o.amount),
            paid_on=max(licence.start, o.due - dt.timedelta(days=3)),
            ref=f"银行回单 {licence.pk:04d}-{n:02d}",
        )


def _correct_first_report(ctx: Ctx, licence: Licence, agent: Any) -> None:
    """The licensee corrects (更正) its first report: the auditor found revenue it missed."""
    first = (
        RevenueReport.objects.filter(licence=licence, superseded_by__isnull=True)
        .order_by("period_start")
        .first()
    )
    if first is None:
        return
    licensing.revenue_report_correct(
        user=agent,
        licence=licence,
        period_start=first.period_start,
        revenue_amount=str(first.revenue_amount + 50_000),
        reason="年度审计调增该期销售收入 5 万元（一笔跨期发货漏计）。",
        reported_on=min(first.reported_on + dt.timedelta(days=20), ctx.today),
    )


def _reverse_a_double_entry(ctx: Ctx, licence: Licence, editor: Any) -> None:
    """The unit enters the latest payment a second time, then reverses (冲正) the duplicate."""
    last = Payment.objects.filter(licence=licence).order_by("-paid_on", "-pk").first()
    if last is None:
        return
    double = licensing.payment_record(
        user=editor,
        licence=licence,
        amount=str(last.amount),
        paid_on=last.paid_on,
        ref=f"{last.ref}（重复录入）",
    )
    licensing.payment_reverse(
        user=editor,
        payment=double,
        reversed_on=ctx.today,
        reason="同一笔银行回单重复录入，冲正。",
    )


def _cure_notice(licence: Licence, editor: Any, today: dt.date) -> CureNotice | None:
    """A cure notice (催告) naming every overdue obligation of ``today``, with the contract's
    cure days."""
    refs = [line.ref for line in termination.nameable_lines(licence, today)]
    if not refs:
        return None
    return termination.cure_notice_send(
        user=editor,
        licence=licence,
        refs=refs,
        cure_deadline=today + dt.timedelta(days=termination.cure_days(licence)),
        note="如有困难，请在期限内与我单位成果转化办公室协商。",
    )


def _guarantor_pays(ctx: Ctx, cover: RiskCover, editor: Any, admin: Any) -> None:
    """The unit claims on the guarantee for the first overdue obligation; the guarantor pays
    its share."""
    overdue = cover_services.overdue_obligations(cover.licence, ctx.today)
    if not overdue:
        return
    line = overdue[0]
    claim = cover_services.claim_open(
        user=editor, cover=cover, obligation_ref=cover_services.obligation_ref(line)
    )
    assert line.outstanding is not None
    payout = min(
        (line.outstanding * cover.share).quantize(Decimal("0.01"), rounding=ROUND_DOWN),
        cover.limit_amount,
    )
    cover_services.claim_decide(
        user=admin,
        claim=claim,
        decision=cover_services.DECISION_PAY,
        payout_amount=str(payout),
        paid_on=ctx.today,
        resolution="已核实逾期，按保障合同约定比例代偿。",
    )


def _terminate_for_breach(ctx: Ctx, licence: Licence, editor: Any) -> None:
    """A cure notice sent 60 days ago, then termination for breach today. The services date a
    notice by the real day, so the sending runs with "today" moved back (as the termination
    tests move it)."""
    sent_on = ctx.day(60)
    with mock.patch.object(timezone, "localdate", return_value=sent_on):
        notice = _cure_notice(licence, editor, sent_on)
    if notice is None:
        return
    termination.licence_terminate_for_breach(
        user=editor,
        licence=licence,
        reason="补救期限届满仍未报送收入报告、未支付应付款项。",
    )


# ---------------------------------------------------------------------------------- publicity


def _agreement_notice(
    ctx: Ctx,
    licence: Licence,
    editor: Any,
    *,
    starts_on: dt.date,
    objector: str = "",
    close_on: dt.date | None = None,
) -> None:
    """The agreement-price notice of a licence (促进科技成果转化法第十八条), published on
    ``starts_on`` for 15 days; ``objector`` (a demo account) objects three days in; with
    ``close_on`` the unit answers and closes it that day."""
    achievement = licence.achievement
    price = max(
        Decimal(licence.terms.get("upfront_fee") or 0) * 4 + Decimal(200_000), Decimal(200_000)
    )
    notice = publicity.notice_create(
        user=editor,
        data={
            "kind": NoticeKind.AGREEMENT_PRICE,
            "title": f"关于“{achievement.title[:60]}”协议定价许可的公示",
            "content": (
                f"本单位拟以协议定价方式将科技成果“{achievement.title}”许可"
                f"{licence.licensee.name}使用（先使用后付费），现将成果名称和拟交易价格予以公示。"
                "如有异议，请在公示期内登录平台提出。"
            ),
            "starts_on": starts_on,
            "period_days": 15,
            "achievement": achievement,
            "licensee": licence.licensee,
            "price_amount": str(price),
            "pricing_method": PricingMethod.AGREEMENT,
        },
    )
    publicity.notice_publish(user=editor, notice=notice, today=starts_on)
    ctx.result.notices += 1
    objection = None
    if objector in ctx.users:
        objection = publicity.objection_file(
            user=ctx.users[objector],
            notice=notice,
            content="拟交易价格是否经过评估？请说明定价依据。",
            today=min(starts_on + dt.timedelta(days=3), ctx.today),
        )
        ctx.result.objections += 1
    if close_on is None:
        return
    if objection is not None:
        publicity.objection_answer(
            user=editor,
            objection=objection,
            answer="价格经单位成果转化领导小组集体决策，参考了同类成果许可价格和第三方评估意见。",
        )
    publicity.notice_close(user=editor, notice=notice, today=close_on)


def _rights_grant_notices(ctx: Ctx) -> None:
    """赋权 notices of two universities: one closed without objection, one open today."""
    for key, days_ago, closed in (("ynu", 45, True), ("kust", 0, False)):
        editor = ctx.person(key, "editor")
        achievement = (
            Achievement.objects.filter(owner=ctx.orgs[key], status=AchievementStatus.PUBLISHED)
            .order_by("pk")
            .first()
        )
        if achievement is None:
            continue
        starts_on = ctx.day(days_ago)
        notice = publicity.notice_create(
            user=editor,
            data={
                "kind": NoticeKind.RIGHTS_GRANT,
                "title": f"关于赋予“{achievement.title[:60]}”完成人职务科技成果所有权的公示",
                "content": (
                    f"经成果完成人申请、单位审查，拟赋予科技成果“{achievement.title}”完成人团队"
                    "该成果 70% 的所有权，单位保留 30%。现予公示，如有异议请在公示期内提出。"
                ),
                "starts_on": starts_on,
                "period_days": 15,
            },
        )
        publicity.notice_publish(user=editor, notice=notice, today=starts_on)
        ctx.result.notices += 1
        if closed:
            publicity.notice_close(user=editor, notice=notice, today=ctx.day(days_ago - 20))


# -------------------------------------------------------------------------------------- needs

# (enterprise, title, description, keywords, field, indicators, budget yuan, fee model, search)
NEEDS: tuple[tuple[str, str, str, tuple[str, ...], str, str, int, str, str], ...] = (
    (
        "gj_solder",
        "200微米以下微焊锡球制备技术",
        "公司现有焊锡球产线无法稳定生产 200 微米以下的微焊锡球，高端封装用料依赖进口。"
        "希望与高校院所合作，解决粒径控制和球形度问题，实现国产替代。",
        ("焊锡球", "锡基合金", "电子封装"),
        F.NEW_MATERIALS,
        "粒径 ≤ 200 μm，球形度 ≥ 98%，氧含量 ≤ 50 ppm",
        800_000,
        FeeModel.STAGED_ROYALTY,
        "锡",
    ),
    (
        "pe_tea",
        "普洱茶发酵过程品质在线监测",
        "渥堆发酵全凭老师傅经验，批次间品质波动大。需要一套能在线监测温湿度、"
        "微生物和关键成分变化并给出翻堆建议的技术。",
        ("普洱茶", "发酵", "在线监测"),
        F.FOOD,
        "监测点 ≥ 20 个，发酵终点判定准确率 ≥ 90%",
        300_000,
        FeeModel.ROYALTY,
        "茶",
    ),
    (
        "bs_coffee",
        "小粒咖啡初加工废水处理与节水",
        "咖啡鲜果湿法加工季节性排放高浓度有机废水，环保压力大。寻求投资小、"
        "运行简单的处理与回用技术。",
        ("咖啡", "废水处理", "节水"),
        F.RESOURCES_ENVIRONMENT,
        "COD 去除率 ≥ 90%，吨豆耗水下降 50%",
        200_000,
        FeeModel.ROYALTY,
        "废水",
    ),
    (
        "ws_sanqi",
        "三七连作障碍土壤修复技术",
        "三七连作障碍导致适宜种植土地紧缺，希望获得土壤消毒、微生物修复等可规模化应用的技术，"
        "缩短轮作间隔。",
        ("三七", "连作障碍", "土壤修复"),
        F.MODERN_AGRICULTURE,
        "轮作间隔缩短至 5 年以内，存苗率 ≥ 80%",
        500_000,
        FeeModel.STAGED,
        "三七",
    ),
    (
        "qj_pv",
        "光伏组件清洗机器人",
        "山地光伏电站组件积灰严重，人工清洗成本高。需要适应坡地、节水的组件清洗机器人。",
        ("光伏", "清洗机器人", "运维"),
        F.NEW_ENERGY,
        "单台日清洗 ≥ 1 MW，耗水 ≤ 0.5 L/㎡",
        600_000,
        FeeModel.STAGED_ROYALTY,
        "光伏",
    ),
    (
        "dianchi_water",
        "高原湖泊入湖河道污水深度处理",
        "入湖河道初期雨水和污水混流，现有设施出水总磷偏高，需要占地小的深度除磷技术。",
        ("污水处理", "除磷", "高原湖泊"),
        F.RESOURCES_ENVIRONMENT,
        "出水总磷 ≤ 0.05 mg/L",
        1_000_000,
        FeeModel.STAGED,
        "污水",
    ),
    (
        "zt_apple",
        "马铃薯脱毒种薯快繁",
        "公司在昭通建设种薯基地，需要脱毒种薯组培快繁和网室扩繁的成套技术与人员培训。",
        ("马铃薯", "脱毒种薯", "组培快繁"),
        F.MODERN_AGRICULTURE,
        "原原种年产 500 万粒",
        150_000,
        FeeModel.ROYALTY,
        "马铃薯",
    ),
    (
        "dh_digital",
        "跨境农产品区块链溯源平台",
        "面向中缅跨境农产品贸易，需要可信的产地、检验、物流信息上链和查询平台。",
        ("区块链", "溯源", "跨境贸易"),
        F.ELECTRONIC_INFORMATION,
        "支持 10 万条/日上链，国密算法",
        400_000,
        FeeModel.ROYALTY,
        "区块链",
    ),
    (
        "lc_nut",
        "核桃青皮脱除与烘干一体化设备",
        "核桃采收季人工脱青皮效率低、烘干不均，需一体化设备，适合合作社使用。",
        ("核桃", "脱青皮", "烘干"),
        F.ADVANCED_MANUFACTURING,
        "处理量 ≥ 2 吨/小时，破损率 ≤ 3%",
        250_000,
        FeeModel.STAGED,
        "核桃",
    ),
    (
        "hekai_coop",
        "古树茶初制加工标准化技术",
        "村集体的古树茶初制工艺不统一，希望获得杀青、揉捻、晒干的标准化技术和简易设备。",
        ("古树茶", "初制加工", "标准化"),
        F.FOOD,
        "",
        50_000,
        FeeModel.ROYALTY,
        "茶",
    ),
)


def _needs(ctx: Ctx, offers: list[LicenceOffer]) -> None:
    """Needs posted and published (one left a draft, one closed); units answer each published
    one with a matching achievement; one enterprise turns an answer into a licence inquiry."""
    offered = {o.achievement_id: o for o in offers}
    keys = {org.pk: k for k, org in ctx.orgs.items()}
    total = len(NEEDS)
    for n, (key, title, text, words, value, indicators, budget, fee, q) in enumerate(NEEDS):
        agent = ctx.person(key, "agent")
        need = needs.need_create(
            user=agent,
            data={
                "title": title,
                "description": text,
                "keywords": list(words),
                "industry_field": value,
                "indicators": indicators,
                "budget_amount": str(budget),
                "fee_model": fee,
                "deadline_on": ctx.today + dt.timedelta(days=60 + 15 * n),
            },
        )
        ctx.result.needs += 1
        if n == total - 1:
            continue  # a draft
        need = needs.need_transition(user=agent, need=need, action="publish")
        if n == total - 2:
            needs.need_transition(user=agent, need=need, action="close")
            continue
        hits = [
            a
            for a in achievement_hall(HallQuery(q=q)).select_related("owner")[:20]
            if a.owner.org_type in RESEARCH_UNIT_TYPES and a.owner_id in keys
        ]
        for achievement in hits[:2]:
            editor = ctx.person(keys[achievement.owner_id], "editor")
            response = needs.response_open(
                user=editor,
                need=need,
                achievement=achievement,
                message=f"本单位成果“{achievement.title[:40]}”可满足贵公司需求，欢迎对接。",
            )
            ctx.result.responses += 1
            offer = offered.get(achievement.pk)
            if offer is not None:
                try:
                    needs.response_open_inquiry(user=agent, response=response)
                except ValidationError:  # already negotiating this offer
                    continue
                ctx.result.inquiries += 1
