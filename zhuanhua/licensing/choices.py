"""Choices of the licensing app (先使用后付费): fee models, licence modes, statuses."""

from django.db import models

from zhuanhua.accounts.choices import Role


class FeeModel(models.TextChoices):
    """费用模式 (guide article 2); the engine's ``fee_model``."""

    ROYALTY = "royalty", "门槛费+收入提成"
    STAGED = "staged", "门槛费+阶段性支付"
    STAGED_ROYALTY = "staged_royalty", "门槛费+阶段性支付+收入提成"


class LicenseMode(models.TextChoices):
    """许可方式."""

    EXCLUSIVE = "exclusive", "独占许可"
    SOLE = "sole", "排他许可"
    NON_EXCLUSIVE = "non_exclusive", "普通许可"


class InquiryStatus(models.TextChoices):
    OPEN = "open", "商洽中"
    ACCEPTED = "accepted", "已达成一致"
    WITHDRAWN = "withdrawn", "已撤回"


class Side(models.TextChoices):
    """Which party a user acts for in an inquiry."""

    LICENSOR = "licensor", "许可方"
    LICENSEE = "licensee", "被许可方"


# Roles that act for an enterprise taking a licence (with its organisation approved and of a
# licensee type, see services.is_licensee_agent).
LICENSEE_ROLES = {Role.LICENSEE_STAFF, Role.ORG_ADMIN}


class LicenceStatus(models.TextChoices):
    DRAFT_CONTRACT = "draft_contract", "待签合同"  # terms agreed online, contract signed offline
    ACTIVE = "active", "履行中"  # the licensor recorded the signed contract
    TERMINATED = "terminated", "已终止"  # ended early: by agreement or for breach (termination.py)
    EXPIRED = "expired", "已到期"  # the term ran to its end (the daily job records it)


# Signed licences: money may still be owed, reported, paid and reversed after the term.
SIGNED_LICENCE_STATES = {LicenceStatus.ACTIVE, LicenceStatus.TERMINATED, LicenceStatus.EXPIRED}


class TerminationKind(models.TextChoices):
    """How a licence ended early."""

    AGREEMENT = "agreement", "协议解除"  # both parties confirmed
    BREACH = "breach", "违约解除"  # the unit, after a cure notice (催告) lapsed uncured


class CureNoticeStatus(models.TextChoices):
    OPEN = "open", "催告中"  # waiting for the licensee to cure by the deadline
    CURED = "cured", "已补救"  # the unit closed it: the named obligations were met
    TERMINATED = "terminated", "已据此解除"  # the licence was terminated on it


class TerminationProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待对方确认"
    CONFIRMED = "confirmed", "已确认解除"
    DECLINED = "declined", "对方不同意"
    WITHDRAWN = "withdrawn", "已撤回"


# Allowed answers to a proposal: (status, action) -> status.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], str] = {
    (TerminationProposalStatus.PROPOSED, "confirm"): TerminationProposalStatus.CONFIRMED,
    (TerminationProposalStatus.PROPOSED, "decline"): TerminationProposalStatus.DECLINED,
    (TerminationProposalStatus.PROPOSED, "withdraw"): TerminationProposalStatus.WITHDRAWN,
}


# Statuses of the engine's obligations, as the plan shows them.
OBLIGATION_STATUS_LABELS = {
    "paid": "已付清",
    "open": "待付",
    "overdue": "逾期",
    "pending_milestone": "待里程碑",
    "awaiting_report": "待报告",
    "report_missing": "报告缺失",
    "cancelled": "已取消（提前终止）",
}
OBLIGATION_STATUS_BADGES = {
    "paid": "text-bg-success",
    "open": "text-bg-primary",
    "overdue": "text-bg-danger",
    "pending_milestone": "text-bg-secondary",
    "awaiting_report": "text-bg-info",
    "report_missing": "text-bg-warning",
    "cancelled": "text-bg-light",
}
OBLIGATION_KIND_LABELS = {
    "upfront": "门槛费",
    "installment": "阶段性支付",
    "royalty": "收入提成",
}
ALERT_LABELS = {
    "report_due": "收入报告即将到期",  # a reminder of the daily job, not an engine alert
    "overdue": "付款逾期",
    "report_missing": "收入报告缺失",
    "default_risk": "违约风险（逾期超过 90 天，需人工核实，非恶意违约认定）",
}
PERIOD_LABELS = {"quarter": "按季度", "half": "按半年", "year": "按年"}


class PricingMethod(models.TextChoices):
    """How the deal's price was set (促进科技成果转化法第十八条)."""

    AGREEMENT = "agreement", "协议定价"
    LISTING = "listing", "挂牌交易"
    AUCTION = "auction", "拍卖"


class ContractType(models.TextChoices):
    """技术合同类型 of the registration (认定登记)."""

    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class CoverKind(models.TextChoices):
    GUARANTEE = "guarantee", "担保"
    INSURANCE = "insurance", "保险"


class ClaimStatus(models.TextChoices):
    OPEN = "open", "待处理"
    HANDLED = "handled", "已处理"  # closed with a note only (claims before payouts existed)
    PAID = "paid", "已赔付"  # the provider approved and paid: a payment to the plan (cover.py)
    REJECTED = "rejected", "不予赔付"  # the provider declined, with its reason


class ShareRole(models.TextChoices):
    """Who receives a line of an income distribution plan."""

    RESEARCHER = "researcher", "成果完成人"
    TRANSFER_STAFF = "transfer_staff", "转化工作人员"
    UNIT = "unit", "单位留存"


class DealKind(models.TextChoices):
    """What a listing offers and its deal does (measures 1–2, 4, 7): every kind takes the same
    path — listing, inquiry, versioned terms, publicity gate, contract, signing — with its own
    terms and contract text (docs/deals.md)."""

    LICENSE = "license", "许可"
    ASSIGNMENT = "assignment", "转让"
    EQUITY_CONTRIBUTION = "equity_contribution", "作价投资"


# The 技术合同 kind of each deal (认定登记, contract_type in the glossary).
DEAL_CONTRACT_TYPES: dict[str, str] = {
    DealKind.LICENSE: "license",
    DealKind.ASSIGNMENT: "transfer",
    DealKind.EQUITY_CONTRIBUTION: "transfer",
}

# The name of each party and of the contract, per kind (pages, notices, PDF).
DEAL_WORDS: dict[str, dict[str, str]] = {
    DealKind.LICENSE: {
        "grantor": "许可方",
        "taker": "被许可方",
        "contract": "技术许可合同",
        "deal": "许可",
    },
    DealKind.ASSIGNMENT: {
        "grantor": "转让方",
        "taker": "受让方",
        "contract": "技术转让合同",
        "deal": "转让",
    },
    DealKind.EQUITY_CONTRIBUTION: {
        "grantor": "出资方",
        "taker": "被投资企业",
        "contract": "科技成果作价投资协议",
        "deal": "作价投资",
    },
}
