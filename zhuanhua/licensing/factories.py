"""Licences made directly in the database, for tests and benchmarks that need many of them
without walking the negotiation (offer → inquiry → version → licence) through the services.

Never used by the platform itself: real licences come from `version_accept`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, TermVersion


def bulk_licences(specs: Sequence[dict[str, Any]], batch_size: int = 2000) -> list[Licence]:
    """One licence per spec {achievement, licensee, fee_model, license_mode, start, end,
    signed_on?, status?}: an offer, an accepted inquiry and version 1 behind each."""
    offers = LicenceOffer.objects.bulk_create(
        [
            LicenceOffer(
                achievement=s["achievement"],
                summary="—",
                fee_standard="—",
                fee_model=s["fee_model"],
                license_mode=s["license_mode"],
                term_months=36,
                terms={},
                is_active=False,
            )
            for s in specs
        ],
        batch_size=batch_size,
    )
    inquiries = Inquiry.objects.bulk_create(
        [
            Inquiry(
                offer=o, licensor=s["achievement"].owner, licensee=s["licensee"], status="accepted"
            )
            for o, s in zip(offers, specs, strict=True)
        ],
        batch_size=batch_size,
    )
    versions = TermVersion.objects.bulk_create(
        [TermVersion(inquiry=i, number=1, side="licensor", terms={}) for i in inquiries],
        batch_size=batch_size,
    )
    return Licence.objects.bulk_create(
        [
            Licence(
                inquiry=i,
                accepted_version=v,
                achievement=s["achievement"],
                licensor=s["achievement"].owner,
                licensee=s["licensee"],
                fee_model=s["fee_model"],
                license_mode=s["license_mode"],
                terms={},
                start=s["start"],
                end=s["end"],
                signed_on=s.get("signed_on"),
                status=s.get("status") or ("active" if s.get("signed_on") else "draft_contract"),
            )
            for i, v, s in zip(inquiries, versions, specs, strict=True)
        ],
        batch_size=batch_size,
    )


def licence_for(
    achievement: Any,
    licensee: Any,
    *,
    fee_model: str = "royalty",
    license_mode: str = "exclusive",
    signed_on: dt.date | None = None,
    start: dt.date = dt.date(2026, 1, 1),
    end: dt.date = dt.date(2028, 12, 31),
) -> Licence:
    return bulk_licences(
        [
            {
                "achievement": achievement,
                "licensee": licensee,
                "fee_model": fee_model,
                "license_mode": license_mode,
                "signed_on": signed_on,
                "start": start,
                "end": end,
            }
        ]
    )[0]
