from django.db import models


class ReminderKind(models.TextChoices):
    """What a unit was told about an achievement, at most once each (TransferReminder.kind)."""

    DAYS_90 = "90", "距进入先用后转清单 90 天"
    DAYS_30 = "30", "距进入先用后转清单 30 天"
    JOINED = "joined", "已进入先用后转清单"


class LeaveReason(models.TextChoices):
    """Why an entry left the list (UseFirstListEntry.left_reason)."""

    TRANSFERRED = "transferred", "已转化（转让、许可、自行实施或作价入股）"
    NO_LONGER_ELIGIBLE = "no_longer_eligible", "登记信息变更，不再符合入列条件"


class RightsGrantKind(models.TextChoices):
    """赋权 (measure 1): how the unit gives completers rights in a service achievement."""

    CO_OWNERSHIP = "co_ownership", "赋予共同所有权"
    ASSIGNMENT = "assignment", "让渡单位所有权份额"
    LONG_TERM_USE = "long_term_use", "赋予长期使用权（不低于 10 年）"


class NegativeListCategory(models.TextChoices):
    """赋权负面清单: achievements that may affect these are never granted (measure 1)."""

    NATIONAL_SECURITY = "national_security", "国家安全"
    NATIONAL_DEFENCE = "national_defence", "国防安全"
    PUBLIC_SECURITY = "public_security", "公共安全"
    ECONOMIC_SECURITY = "economic_security", "经济安全"
    SOCIAL_STABILITY = "social_stability", "社会稳定"
    MAJOR_PUBLIC_INTEREST = "major_public_interest", "国家利益和重大社会公共利益"


class ShareHolderKind(models.TextChoices):
    UNIT = "unit", "单位"
    COMPLETER = "completer", "成果完成人"


# --- 转化清单 (transfer_report) -----------------------------------------------------------------


class ReportPeriodKind(models.TextChoices):
    """The period a transfer report covers: a calendar year or one of its halves."""

    YEAR = "year", "全年"
    H1 = "h1", "上半年"
    H2 = "h2", "下半年"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # lines regenerated from the records on request; remarks editable
    SUBMITTED = "submitted", "已报送"  # frozen: the lines are the snapshot the supervisor reads


# How an achievement was transferred, as the report states it (from Achievement.transfer_status).
TRANSFER_MODE_LABELS = {
    "untransferred": "未转化",
    "self_implemented": "自行实施",
    "transferred": "转让",
    "licensed": "许可",
    "equity_contributed": "作价入股",
}


# --- 赋权申请 -------------------------------------------------------------------------------------


class GrantApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待单位审查"
    BLOCKED = "blocked", "属负面清单，不予赋权"
    REJECTED = "rejected", "单位决定不予赋权"
    GRANTED = "granted", "已赋权（已公示）"


# --- 单列管理 / 台账 -------------------------------------------------------------------------------


class EquityDecisionKind(models.TextChoices):
    """What the unit decided about equity it holds from a contribution (measure 2)."""

    PUBLIC_TRANSFER = "public_transfer", "公开转让"
    INTERNAL_TRANSFER = "internal_transfer", "内部转让"
    OUTWARD_INVESTMENT = "outward_investment", "对外投资"
