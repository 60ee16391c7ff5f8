"""Agreement pricing enforced (issue 20.7).

A price that differs from the published offer's in any amount, rate or date was negotiated
(协议定价, 促进科技成果转化法第十八条): its publicity notice must have closed with every
objection answered before the contract is signed. The platform decides this from the terms, not
from a choice the unit ticks: the licence is marked ``agreement`` when the version is accepted
and again at signing, and the unit cannot change it back.
"""

from __future__ import annotations

from zhuanhua.licensing.choices import PricingMethod
from zhuanhua.licensing.deals import EQUITY_LABELS, is_equity_terms
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.terms import add_months, field_label, flatten

ERR_PRICING_NEGOTIATED = (
    "签订条款与发布的许可报价不同（{fields}），属协议定价，须公示，不能改为其他定价方式"
)

# Keys of a version that the offer holds elsewhere (its fee model and term in months).
_TERM_KEYS = ("fee_model", "start", "end")


def negotiated_changes(licence: Licence) -> list[str]:
    """The labels of the terms where ``licence`` differs from the offer it was negotiated on
    (empty: the listing price was taken as published)."""
    offer = licence.inquiry.offer
    if is_equity_terms(licence.terms):
        # An equity deal's price is its valuation, shares and report (deals.py): any change
        # from the listing is negotiated; the agreement's effective date is not a price.
        listed = flatten(offer.terms)
        agreed = flatten({k: v for k, v in licence.terms.items() if k != "start"})
        changed: list[str] = []
        for path in [*agreed, *(p for p in listed if p not in agreed)]:
            label = EQUITY_LABELS.get(path, path)
            if listed.get(path) != agreed.get(path) and label not in changed:
                changed.append(label)
        return changed
    published = flatten(offer.terms)
    signed = flatten({k: v for k, v in licence.terms.items() if k not in _TERM_KEYS})
    labels: list[str] = []
    if licence.fee_model != offer.fee_model:
        labels.append("费用模式")
    if add_months(licence.start, offer.term_months) != licence.end:
        labels.append("许可期限" if licence.deal_kind == "license" else "付款期限")
    for path in [*signed, *(p for p in published if p not in signed)]:
        if published.get(path) != signed.get(path):
            label = field_label(path)
            if label not in labels:
                labels.append(label)
    return labels


def is_negotiated(licence: Licence) -> bool:
    return bool(negotiated_changes(licence))


def pricing_method_for(licence: Licence) -> str:
    """The pricing method the terms imply: ``agreement`` when negotiated, else as stated."""
    if is_negotiated(licence):
        return PricingMethod.AGREEMENT
    return licence.pricing_method
