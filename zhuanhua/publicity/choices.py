from django.db import models


class NoticeKind(models.TextChoices):
    AGREEMENT_PRICE = (
        "agreement_price",
        "协议定价",
    )  # 促进科技成果转化法 art. 18: name and proposed price
    EXEMPTION_CONCLUSION = "exemption_conclusion", "免责结论"  # exemption guide art. 13
    RIGHTS_GRANT = "rights_grant", "赋权"  # granting researchers ownership or long-term use rights
    UNIT_RULES = "unit_rules", "单位制度"  # exemption guide art. 11: the unit's own rules


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # only the publishing unit sees it; editable
    PUBLISHED = "published", "公示中"  # public; objections accepted until the end date inclusive
    CLOSED_NO_OBJECTION = "closed_no_objection", "公示结束（无异议）"  # period ended, no objection
    CLOSED_OBJECTIONS_HANDLED = (
        "closed_objections_handled",
        "公示结束（异议已处理）",
    )  # all answered


CLOSED_STATES = {NoticeStatus.CLOSED_NO_OBJECTION, NoticeStatus.CLOSED_OBJECTIONS_HANDLED}


class PricingMethod(models.TextChoices):
    AGREEMENT = "agreement", "协议定价"  # negotiated; the reason the notice exists
    LISTING = "listing", "挂牌交易"  # listed on a technology exchange
    AUCTION = "auction", "拍卖"  # auctioned


class PeriodUnit(models.TextChoices):
    CALENDAR = "calendar", "日（自然日）"  # Civil Code art. 203: a last day on a rest day moves on
    WORKING = "working", "工作日"  # counts working days only


# Allowed lifecycle moves: (from, action) -> to. "close" picks one of the two closed states
# according to whether any objection was filed (services.notice_close).
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (NoticeStatus.DRAFT, "publish"): {NoticeStatus.PUBLISHED},
    (NoticeStatus.PUBLISHED, "close"): {
        NoticeStatus.CLOSED_NO_OBJECTION,
        NoticeStatus.CLOSED_OBJECTIONS_HANDLED,
    },
}

# 若干规定: publicity of a negotiated price lasts no fewer than 15 days.
AGREEMENT_MIN_DAYS = 15
DEFAULT_PERIOD_DAYS = 15
