from django.db import models


class CreditEventKind(models.TextChoices):
    # 指引第八条: the two kinds of conduct that enter credit management.
    FALSE_MATERIAL = "false_material", "提供虚假材料"
    MALICIOUS_DEFAULT = "malicious_default", "恶意违约"


class CreditEventStatus(models.TextChoices):
    ACTIVE = "active", "有效"  # shown on the party's profile from effective_from to effective_to
    EXPIRED = (
        "expired",
        "已到期",
    )  # effective_to has passed (the date decides, the job only records it)
    REVOKED = "revoked", "已撤销（申诉）"  # revoked on appeal


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "维持原记录"
    REVOKED = "revoked", "撤销记录"


# Allowed moves: (from, action) -> to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (CreditEventStatus.ACTIVE, "expire"): CreditEventStatus.EXPIRED,
    (CreditEventStatus.ACTIVE, "revoke"): CreditEventStatus.REVOKED,
}


class ReferralStatus(models.TextChoices):
    """A referral for credit review (移送诚信审查): the department decides, never the system."""

    OPEN = "open", "待审查"  # in the department's queue
    RECORDED = "recorded", "已记录失信"  # a credit event was recorded after the hearing
    DISMISSED = "dismissed", "不予记录"  # the department found no credit event, with its reason
