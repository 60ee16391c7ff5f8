from django.db import models


class EventKind(models.TextChoices):
    ROADSHOW = "roadshow", "成果路演"
    MATCHMAKING = "matchmaking", "供需对接会"
    SPECIAL = "special", "产业专场对接"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # the organiser prepares it; nobody else sees it
    OPEN = "open", "报名中"  # public; enterprises register until the deadline
    HELD = "held", "已举办"  # the organiser records the intentions reached
    CANCELLED = "cancelled", "已取消"


# Allowed moves: (from, action) -> to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (EventStatus.DRAFT, "publish"): EventStatus.OPEN,
    (EventStatus.OPEN, "hold"): EventStatus.HELD,
    (EventStatus.DRAFT, "cancel"): EventStatus.CANCELLED,
    (EventStatus.OPEN, "cancel"): EventStatus.CANCELLED,
}


class IntentionKind(models.TextChoices):
    LICENSE = "license", "许可"
    ASSIGNMENT = "assignment", "转让"
    EQUITY = "equity_contribution", "作价投资"
    JOINT_DEVELOPMENT = "joint_development", "合作开发"
    OTHER = "other", "其他合作"
