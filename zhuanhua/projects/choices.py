"""Choices of the projects app: funding modes of provincial S&T projects (measure 5)."""

from django.db import models


class FundingMode(models.TextChoices):
    GRANT = "grant", "无偿资助"
    GRANT_TO_INVESTMENT = "grant_to_investment", "拨改投"
    GRANT_PLUS_INVESTMENT = "grant_plus_investment", "拨投结合"
    INVEST_THEN_EQUITY = "invest_then_equity", "先投后股"


# The unit types of the performance evaluation (高等院校、科研院所、医疗卫生机构).
EVALUATED_ORG_TYPES = ("university", "research_institute", "medical_institution")

# The figures of one unit's performance row, in table order: key -> label.
PERFORMANCE_METRICS: dict[str, str] = {
    "funding_amount": "项目经费（元）",
    "project_count": "牵头项目数",
    "achievement_count": "科技成果数",
    "ip_count": "知识产权数",
    "transfer_count": "转化成果数",
    "licence_count": "许可合同数",
    "contract_amount": "登记合同额（元）",
    "received_amount": "实际到账额（元）",
    "distributed_amount": "奖励科研人员（元）",
    "received_per_funding": "每元经费到账额",
    "transferred_within_two_years_share": "财政资助成果两年内转化率",
    # Acceptance by a panel and the post-evaluation a year later feed it too (issue 24.7).
    "accepted_count": "验收通过项目数",
    "accepted_transferred_count": "验收时已转化项目数",
    "post_good_count": "后评价良好以上项目数",
}
RATIO_METRICS = {"received_per_funding", "transferred_within_two_years_share"}


class TransferFinding(models.TextChoices):
    """The acceptance panel's finding on the transfer duty (measure 5)."""

    MET = "met", "已按约定转化"
    PARTLY = "partly", "部分转化"
    NOT_MET = "not_met", "未转化"


class PostRating(models.TextChoices):
    """A post-evaluation's rating (后评价, a year after acceptance)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


GOOD_POST_RATINGS = {PostRating.EXCELLENT, PostRating.GOOD}
