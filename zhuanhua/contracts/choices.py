"""The words of technology contracts: the five kinds, the 认定登记 states, the kinds of income
a reward plan distributes and the plan's filing states."""

from __future__ import annotations

from django.db import models


class ContractType(models.TextChoices):
    """技术合同类型 (the five kinds the registration rules know)."""

    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


# The kinds a 横向 (industry) project is registered as (measure 6: ≥ 70 % to researchers).
INDUSTRY_TYPES = {ContractType.DEVELOPMENT, ContractType.CONSULTING, ContractType.SERVICE}


class PartySide(models.TextChoices):
    SELLER = "seller", "卖方（技术提供方）"
    BUYER = "buyer", "买方（技术受让方/委托方）"


class RegistrationStatus(models.TextChoices):
    """认定登记: a 横向 contract may be recorded without registration; submitted to a registrar →
    registered (number assigned) or returned with reasons; a returned contract may be corrected
    and submitted again."""

    RECORDED = "recorded", "未申请登记"
    SUBMITTED = "submitted", "待认定登记"
    REGISTERED = "registered", "已登记"
    RETURNED = "returned", "已退回"


TRANSITIONS: dict[str, set[str]] = {
    RegistrationStatus.RECORDED: {RegistrationStatus.SUBMITTED},
    RegistrationStatus.SUBMITTED: {RegistrationStatus.REGISTERED, RegistrationStatus.RETURNED},
    RegistrationStatus.RETURNED: {RegistrationStatus.SUBMITTED},
    RegistrationStatus.REGISTERED: set(),
}


class SourceKind(models.TextChoices):
    """Where a submitted contract comes from: typed in on the contracts pages, or submitted by
    a process app for its own deal (its page links back by ``source_id``)."""

    DIRECT = "direct", "直接提交"
    LICENCE = "licence", "先使用后付费许可"
    ASSIGNMENT = "assignment", "成果转让"
    EQUITY = "equity", "作价投资"
    SERVICE_REQUEST = "service_request", "服务委托"


class IncomeKind(models.TextChoices):
    """The income a reward plan (奖酬金分配方案) distributes (measure 6)."""

    LICENCE = "licence", "许可收入"
    ASSIGNMENT = "assignment", "转让收入"
    EQUITY = "equity", "作价投资（股权）"
    INDUSTRY = "industry", "横向项目净收入"


class FilingStatus(models.TextChoices):
    FILED = "filed", "已报备案"
    ACKNOWLEDGED = "acknowledged", "已确认备案"
