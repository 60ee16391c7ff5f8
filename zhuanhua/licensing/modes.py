"""Licence modes that mean something (issue 20.6).

An exclusive (独占) or sole (排他) licence leaves no room for another licensee on the same
achievement where their field of use, territory and term overlap; an ordinary (普通) licence
leaves room for other ordinary ones. So a new licence is refused when it overlaps a signed
licence and either of the two is exclusive or sole. The check runs when a version is accepted
(against signed licences) and again when signing (the first of two competing drafts to sign
wins); the caller holds the achievement's row lock, so two signings cannot both pass.

Field and territory are the offer's free text: blank means unrestricted (it overlaps every
other); otherwise they overlap when one names the other (``云南省`` and ``云南省昆明市``) after
splitting on 、，,;；/ and spaces. A terminated licence's term ends at ``terminated_on``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.licensing.choices import SIGNED_LICENCE_STATES, LicenseMode
from zhuanhua.licensing.models import Licence, LicenceOffer

ERR_MODE_BLOCKED = (
    "该成果已签订{mode}（被许可方：{licensee}，{start} 至 {end}），"
    "与本许可的使用领域、地域和期限重叠，不能再许可他人"
)
ERR_MODE_OVERLAPS_EXISTING = (
    "本许可为{mode}，但该成果已有许可（被许可方：{licensee}，{start} 至 {end}）"
    "与其使用领域、地域和期限重叠，不能签订"
)

EXCLUSIVE_MODES = {LicenseMode.EXCLUSIVE, LicenseMode.SOLE}
_SPLIT = re.compile(r"[、，,;；/\s]+")


def _parts(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text.strip().lower()) if p]


def scope_overlaps(a: str, b: str) -> bool:
    """Two fields of use (or territories) overlap: blank is unrestricted; else one names the other."""
    pa, pb = _parts(a), _parts(b)
    if not pa or not pb:
        return True
    return any(x in y or y in x for x in pa for y in pb)


def term_overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def licence_term(licence: Licence) -> tuple[dt.date, dt.date]:
    """The days the licence is (or was) in force: to ``terminated_on`` when ended early."""
    return licence.start, licence.terminated_on or licence.end


def mode_conflict(licence: Licence) -> str | None:
    """The refusal for ``licence`` against the achievement's signed licences, or None."""
    offer = licence.inquiry.offer
    term = (licence.start, licence.end)
    others = (
        Licence.objects.filter(
            achievement_id=licence.achievement_id, status__in=SIGNED_LICENCE_STATES
        )
        .exclude(pk=licence.pk)
        .select_related("inquiry__offer", "licensee")
        .order_by("start", "id")
    )
    for other in others:
        if (
            licence.license_mode not in EXCLUSIVE_MODES
            and other.license_mode not in EXCLUSIVE_MODES
        ):
            continue
        other_offer = other.inquiry.offer
        other_term = licence_term(other)
        if not (
            term_overlaps(term, other_term)
            and scope_overlaps(offer.field_of_use, other_offer.field_of_use)
            and scope_overlaps(offer.territory, other_offer.territory)
        ):
            continue
        if other.license_mode in EXCLUSIVE_MODES:
            template, mode = ERR_MODE_BLOCKED, other.get_license_mode_display()
        else:
            template, mode = ERR_MODE_OVERLAPS_EXISTING, licence.get_license_mode_display()
        return template.format(
            mode=mode, licensee=other.licensee.name, start=other_term[0], end=other_term[1]
        )
    return None


def licence_check_mode(licence: Licence) -> None:
    """Refuse ``licence`` (field ``license_mode``) when its mode conflicts; the caller holds the
    achievement's lock and rolls back on the error."""
    message = mode_conflict(licence)
    if message:
        raise ValidationError({"license_mode": [message]})


def offer_close_after_exclusive(*, user: User, licence: Licence) -> LicenceOffer | None:
    """An exclusive or sole licence signed: its offer leaves the hall (no one else can take it).
    Called in the signing transaction."""
    if licence.license_mode not in EXCLUSIVE_MODES:
        return None
    offer = LicenceOffer.objects.select_for_update().get(pk=licence.inquiry.offer_id)
    if not offer.is_active:
        return None
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    audit_record(
        actor=user,
        obj=offer,
        action="licence_offer.close_exclusive",
        before={"is_active": True},
        after={"is_active": False},
        detail={"licence": licence.pk, "license_mode": licence.license_mode},
    )
    return offer
