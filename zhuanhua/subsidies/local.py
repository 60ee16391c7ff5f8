"""Local measures (指引第七条（三）) as the engine sees them.

A `LocalMeasure` row becomes one catalogue entry of the same shape as the YAML's (the engine's
`parse_catalogue` checks it, so a local measure can use exactly the provincial measures' kinds
of rate, cap, scope and condition). Its area becomes the entry's `region`:

- a prefecture measure: ``["5301"]`` (the first four digits of the GB/T 2260 code, as
  `applicant_region` of every claim already carries them);
- a park measure: ``["P12"]`` (12 is the park organisation's id). An applicant's region for
  such a measure is ``"P12"`` when it is a registered resident of the park (or the park
  itself), otherwise its prefecture — so the engine refuses it with the reason `region`.

Its effective dates become `effective_from`/`effective_to`, so the engine refuses claims dated
outside them (`not_in_force`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Sum

from zhuanhua.core.prefectures import PREFECTURES, prefecture_name
from zhuanhua.engines.subsidy import (
    Catalogue,
    CatalogueError,
    Measure,
    Result,
    load_catalogue,
    parse_catalogue,
)
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies.choices import (
    LOCAL_MEASURE_NUMBER,
    PARK_REGION_PREFIX,
    AmountKind,
)
from zhuanhua.subsidies.models import LocalMeasure, ParkResident

log = logging.getLogger(__name__)

REGION_SENTENCE_START = "本措施仅适用于地区 "  # the engine's sentence for the reason `region`


# --------------------------------------------------------------------------- rows → entries


def park_region(park_id: int) -> str:
    return f"{PARK_REGION_PREFIX}{park_id}"


def region_of(lm: LocalMeasure) -> str:
    return park_region(lm.park_id) if lm.park_id else lm.prefecture[:4]


def catalogue_entry(lm: LocalMeasure, code: str | None = None) -> dict[str, Any]:
    """The YAML-shaped catalogue entry of a local measure (money and rates as strings)."""
    code = code or lm.code
    kind = lm.amount_kind
    rated = kind == AmountKind.RATED

    def money(value: Any) -> str | None:
        return None if value is None else f"{value:.2f}"

    scopes = []
    for i, scope in enumerate(lm.scopes or []):
        entry = {
            "kind": scope["kind"],
            "keys": list(scope.get("keys") or ["applicant"]),
            "pool": f"{code}-{i + 1}-{scope['kind']}",
        }
        if scope.get("amount") not in (None, ""):
            entry["amount"] = str(scope["amount"])
        scopes.append(entry)
    return {
        "code": code,
        "measure": LOCAL_MEASURE_NUMBER,
        "title": lm.title,
        "source_text": lm.source_text,
        "applicant_types": list(lm.applicant_types) or None,
        "base": (lm.base or None) if rated else None,
        "rate": str(lm.rate) if rated and lm.rate is not None else None,
        "item_cap": money(lm.item_cap_amount)
        if kind in (AmountKind.RATED, AmountKind.CAP)
        else None,
        "item_cap_by_level": dict(lm.level_caps) if kind == AmountKind.BY_LEVEL else None,
        "fixed_amount": money(lm.fixed_amount) if kind == AmountKind.FIXED else None,
        "scopes": scopes,
        "conditions": {
            "registered": lm.registered,
            "not_related_party": lm.not_related_party,
            "holding_period_years": lm.holding_period_years,
            "loss_confirmed": lm.loss_confirmed,
            "level": kind == AmountKind.BY_LEVEL,
        },
        "case_by_case": kind == AmountKind.CASE_BY_CASE,
        "effective_from": lm.effective_from_on.isoformat() if lm.effective_from_on else None,
        "effective_to": lm.effective_to_on.isoformat() if lm.effective_to_on else None,
        "budget_per_year": money(lm.budget_per_year_amount),
        "region": [region_of(lm)],
    }


def parse_local(lm: LocalMeasure, code: str | None = None) -> Measure:
    """The engine's Measure of a local measure; raises CatalogueError when malformed."""
    doc = {"version": "local", "measures": [catalogue_entry(lm, code)]}
    return next(iter(parse_catalogue(doc, "(local measure)").measures.values()))


# --------------------------------------------------------------------------- merged catalogue

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def forget() -> None:
    """Drop this process's merged catalogue (a service calls it after a change; other processes
    notice the change through the cache key)."""
    with _lock:
        _cache.clear()


def _key(base: Catalogue) -> tuple[Any, ...]:
    agg = LocalMeasure.objects.aggregate(
        n=Count("id"), top=Max("id"), rev=Sum("revision"), last=Max("updated_at")
    )
    return (id(base), agg["n"], agg["top"], agg["rev"], agg["last"])


def merged_catalogue() -> Catalogue:
    base = load_catalogue()
    key = _key(base)
    with _lock:
        if _cache.get("key") == key:
            return _cache["catalogue"]
    measures = dict(base.measures)
    for lm in LocalMeasure.objects.order_by("prefecture", "code"):
        try:
            measures[lm.code] = parse_local(lm)
        except CatalogueError:  # the service validates every save; never break the catalogue
            log.exception("local measure %s is malformed and left out of the catalogue", lm.code)
    merged = Catalogue(
        version=base.version,
        effective_from=base.effective_from,
        source=base.source,
        measures=measures,
        path=base.path,
    )
    with _lock:
        _cache.update(key=key, catalogue=merged)
    return merged


# --------------------------------------------------------------------------- areas


def area_label(lm: LocalMeasure) -> str:
    """昆明市 / 昆明市 · 昆明高新技术产业开发区管理委员会."""
    where = prefecture_name(lm.prefecture)
    return f"{where} · {lm.park.name}" if lm.park is not None else where


def applicant_region(org: Any, measure: Measure | None) -> str:
    """The `applicant_region` of the organisation's claim under ``measure``: ``P<park id>`` when
    the measure is a park's and the organisation is the park or one of its residents, otherwise
    the first four digits of its prefecture."""
    if org is None or getattr(org, "pk", None) is None:
        return ""
    parks = (
        [r for r in (measure.region or ()) if r.startswith(PARK_REGION_PREFIX)]
        if measure is not None
        else []
    )
    for region in parks:
        park_id = int(region[len(PARK_REGION_PREFIX) :])
        if (
            org.pk == park_id
            or ParkResident.objects.filter(park_id=park_id, organisation_id=org.pk).exists()
        ):
            return region
    return (getattr(org, "prefecture", "") or "")[:4]


def region_label(region: str) -> str:
    if not region:
        return "未注明所在地区"
    if region.startswith(PARK_REGION_PREFIX):
        name = Organisation.objects.filter(pk=int(region[1:])).values_list("name", flat=True)
        return f"为{name.first() or '园区'}入驻单位"
    return f"所在州（市）为{prefecture_name(region + '00')}"


def explanation_of(result: Result, region: str) -> list[str]:
    """The engine's explanation, with its region sentence (which names codes: "本措施仅适用于
    地区 5301，申请主体所在地区为 5325。") told in names for a local measure."""
    lines = list(result.explanation)
    if "region" not in result.reasons:
        return lines
    lm = LocalMeasure.objects.select_related("park").filter(code=result.measure).first()
    if lm is None:
        return lines
    if lm.park_id:
        where = "未登记为该园区入驻单位" + (
            f"（所在州（市）为{prefecture_name(region + '00')}）" if region else ""
        )
    else:
        where = region_label(region)
    sentence = f"本措施仅适用于{area_label(lm)}的申请主体，申请主体{where}。"
    return [sentence if line.startswith(REGION_SENTENCE_START) else line for line in lines]


# --------------------------------------------------------------------------- the catalogue page


@dataclass(frozen=True)
class LocalRow:
    """A local measure as the catalogue page shows it: the provincial row's fields plus its
    area, dates and whether it is in force today."""

    lm: LocalMeasure
    row: Any  # selectors.MeasureRow
    area: str
    state: str  # 未生效 / 有效 / 已失效
    applies_to_user: bool | None  # None: not an applicant


def state_on(lm: LocalMeasure, today: dt.date) -> str:
    if today < lm.effective_from_on:
        return "未生效"
    if lm.effective_to_on is not None and today > lm.effective_to_on:
        return "已失效"
    return "有效"


def prefecture_choices() -> list[tuple[str, str]]:
    return list(PREFECTURES.items())


def region_choices(measure: Measure) -> list[tuple[str, str]]:
    """The what-if's choices of where a visitor's organisation is, for a local measure."""
    out = []
    for region in sorted(measure.region or ()):
        if region.startswith(PARK_REGION_PREFIX):
            name = (
                Organisation.objects.filter(pk=int(region[1:]))
                .values_list("name", flat=True)
                .first()
                or "园区"
            )
            out.append((region, f"{name}入驻单位"))
        else:
            out.append((region, prefecture_name(region + "00")))
    return out
