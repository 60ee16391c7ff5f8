"""States of subsidy applications, grants and settlement batches, and their allowed moves."""

from __future__ import annotations

from django.db import models

from zhuanhua.accounts.choices import Role


class ApplicationStatus(models.TextChoices):
    CHECKING = "checking", "待初审"  # the prefecture bureau or supervising department checks
    SUBMITTED = "submitted", "待省级审定"  # the provincial department decides
    SECOND = "second", "待复核"  # above the measure's threshold: a second provincial reviewer
    RETURNED = "returned", "退回补充材料"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予支持"


# (status, action) pairs a service may perform.
TRANSITIONS: set[tuple[str, str]] = {
    (ApplicationStatus.CHECKING, "check"),
    (ApplicationStatus.CHECKING, "return"),
    (ApplicationStatus.SUBMITTED, "approve"),
    (ApplicationStatus.SUBMITTED, "return"),
    (ApplicationStatus.SUBMITTED, "reject"),
    (ApplicationStatus.SECOND, "second_approve"),
    (ApplicationStatus.SECOND, "second_refuse"),
    (ApplicationStatus.RETURNED, "resubmit"),
}

# States waiting for a reviewer (the queues).
OPEN_STATES = (ApplicationStatus.CHECKING, ApplicationStatus.SUBMITTED, ApplicationStatus.SECOND)

# Each step's time limit in working days (engines.periods: holidays and 调休 counted), from the
# day the step began: the first check, the provincial decision, the second approval, and the
# finance department's sign-off of a settlement list.
CHECK_WORKING_DAYS = 15
DECIDE_WORKING_DAYS = 20
SECOND_WORKING_DAYS = 10
SIGNOFF_WORKING_DAYS = 10


class GrantStatus(models.TextChoices):
    COMMITTED = "committed", "已批准待拨付"
    IN_SETTLEMENT = "in_settlement", "结算中"
    PAID = "paid", "已拨付"


class BatchStatus(models.TextChoices):
    ISSUED = "issued", "待财政部门签核"
    SIGNED_OFF = "signed_off", "财政部门已签核，待拨付"
    PARTLY_PAID = "partly_paid", "部分已拨付"
    PAID = "paid", "已全部拨付"


class EvidenceKind(models.TextChoices):
    BANK_SLIP = "bank_slip", "银行到账凭证"
    INVOICE = "invoice", "发票"
    CONTRACT = "contract", "技术合同及认定登记证明"
    CERTIFICATE = "certificate", "证书/批复文件"
    OTHER = "other", "其他材料"


class StandardLevel(models.TextChoices):
    INTERNATIONAL = "international", "国际标准"
    NATIONAL = "national", "国家标准"
    INDUSTRY = "industry", "行业标准"
    LOCAL = "local", "地方标准"


# Organisation.org_type → the engine's applicant_type (POLICY.md's nine values).
APPLICANT_TYPE_OF_ORG: dict[str, str] = {
    "enterprise": "enterprise",
    "state_enterprise": "enterprise",
    "university": "university",
    "research_institute": "research_institute",
    "medical_institution": "medical_institution",
    "new_rnd_institution": "new_rnd_institution",
    "service_agency": "service_agency",
    "venture_capital": "venture_capital",
    "park_or_zone": "park_or_zone",
    "prefecture_bureau": "prefecture",  # a 重点州（市） proposes an M11-1 zone
}

APPLICANT_TYPE_LABELS: dict[str, str] = {
    "enterprise": "企业",
    "university": "高等院校",
    "research_institute": "科研院所",
    "medical_institution": "医疗卫生机构",
    "new_rnd_institution": "新型研发机构",
    "service_agency": "技术转移服务机构",
    "venture_capital": "创业投资机构",
    "park_or_zone": "园区/聚集区",
    "prefecture": "州（市）",
    "other": "其他",
}

# Who may apply for the organisation, and who decides.
APPLICANT_ROLES = {Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER, Role.LICENSEE_STAFF}
REVIEWER_ROLES = {Role.DEPARTMENT_REVIEWER}
READER_ROLES = {Role.DEPARTMENT_REVIEWER, Role.AUDITOR, Role.PLATFORM_ADMIN}

# The government organisations of the review (organisations.choices.OrganisationType values).
PROVINCIAL_ORG_TYPE = "department"  # 省科技厅: decides, second approval, settlement lists
PREFECTURE_ORG_TYPE = "prefecture_bureau"  # 州（市）科技局: first check, its local measures
SUPERVISING_ORG_TYPE = "supervising_department"  # 主管部门: first check of its units
FINANCE_ORG_TYPE = "finance_department"  # 财政厅: signs settlement lists off before payment


# --------------------------------------------------------------------------- local measures
# 指引第七条（三）: prefectures and parks add their own measures to the catalogue.


class AmountKind(models.TextChoices):
    """How a local measure computes its amount (the engine's kinds, one per measure)."""

    RATED = "rated", "按比例：计算基数 × 比例（可设单项上限）"  # base × rate, optional item cap
    CAP = "cap", "按上限：不超过单项上限"  # no base; grants the cap (requested may lower it)
    FIXED = "fixed", "定额补助"  # a fixed amount
    BY_LEVEL = "by_level", "按标准级别分级上限"  # M8-2's shape: a cap per standard level
    CASE_BY_CASE = "case_by_case", "一事一议"  # no formula; people decide


class LocalScopeKind(models.TextChoices):
    """The engine's kinds of scope (zhuanhua.engines.subsidy.SCOPE_KINDS), as the form offers
    them; a local measure's scopes pool on their own (pools are named after the measure)."""

    HIGHEST_ONLY = "highest_only", "就高不就低"  # a later higher claim tops up to the highest level
    ONCE = "once", "一次性"  # paid once per scope
    CUMULATIVE = "cumulative", "累计上限"  # a total over all years
    ANNUAL = "annual", "年度上限"  # a total per calendar year


# Who maintains local measures: provincial reviewers for any prefecture or park, a prefecture
# bureau's reviewers for their own prefecture, and the org_admin of an approved park_or_zone
# organisation for its own park. Readers of the
# management page also include auditors and platform admins (read-only).
LOCAL_AUTHOR_ROLES = {Role.DEPARTMENT_REVIEWER}
PARK_AUTHOR_ROLES = {Role.ORG_ADMIN}
PARK_ORG_TYPE = "park_or_zone"
# The region code of a park in the engine's `region` list (prefectures use 4-digit codes).
PARK_REGION_PREFIX = "P"
LOCAL_MEASURE_NUMBER = 0  # the engine's `measure` number of a local measure (not one of the 15)
