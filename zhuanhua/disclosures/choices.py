"""States and vocabularies of a disclosure (职务成果披露, measure 9)."""

from django.db import models


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # only the researcher sees it
    SUBMITTED = "submitted", "待单位审核"  # in the unit's queue, its deadline running
    RETURNED = "returned", "退回修改"  # the researcher edits and resubmits
    ACCEPTED = "accepted", "已受理（已登记为成果草稿）"  # a draft achievement exists
    DECLINED = "declined", "不予受理"  # with the unit's reasons; final


# Allowed moves: (from, action) -> to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DisclosureStatus.DRAFT, "submit"): DisclosureStatus.SUBMITTED,
    (DisclosureStatus.RETURNED, "submit"): DisclosureStatus.SUBMITTED,
    (DisclosureStatus.SUBMITTED, "accept"): DisclosureStatus.ACCEPTED,
    (DisclosureStatus.SUBMITTED, "return"): DisclosureStatus.RETURNED,
    (DisclosureStatus.SUBMITTED, "decline"): DisclosureStatus.DECLINED,
}
EDITABLE_STATES = {DisclosureStatus.DRAFT, DisclosureStatus.RETURNED}
DECISIONS = ("accept", "return", "decline")


class DecisionChoice(models.TextChoices):
    ACCEPT = "accept", "受理并登记为成果草稿"
    RETURN = "return", "退回修改"
    DECLINE = "decline", "不予受理"


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "财政资金"  # government-funded project: the 2-year rule applies later
    ENTERPRISE = "enterprise", "企业委托（横向）"
    OWN = "own", "单位自筹"
    OTHER = "other", "其他"


class IpStatus(models.TextChoices):
    NOT_FILED = "not_filed", "尚未申请知识产权"
    FILED = "filed", "已提出申请"
    GRANTED = "granted", "已授权/已登记"
    SECRET = "secret", "作为技术秘密保护"


# IP statuses that carry a number and a date (application or grant).
IP_NUMBERED = {IpStatus.FILED, IpStatus.GRANTED}


class Readiness(models.IntegerChoices):
    """Technology readiness (TRL-like), 1–9; the achievement's TRL on acceptance."""

    PRINCIPLE = 1, "1 基本原理已发现"
    CONCEPT = 2, "2 技术概念已形成"
    PROOF = 3, "3 关键功能已验证（概念验证）"
    LAB = 4, "4 实验室环境验证"
    RELEVANT = 5, "5 相关环境验证"
    PROTOTYPE = 6, "6 中试/样机在相关环境演示"
    OPERATIONAL = 7, "7 实际环境演示"
    QUALIFIED = 8, "8 定型/小批量试产"
    PROVEN = 9, "9 已规模化应用"


DEFAULT_REVIEW_DAYS = 30
