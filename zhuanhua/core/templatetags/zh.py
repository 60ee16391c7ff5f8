"""Small, fast template helpers for hot pages (the hall renders on every search keystroke)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


# (form class, field name, selected value, language) → the rendered <option>s. Bounded: only
# values that are one of the field's own choices are kept (a typed-in value is rendered afresh).
_OPTIONS: dict[tuple[Any, ...], SafeString] = {}


@register.simple_tag
def options(field: Any) -> SafeString:
    """The <option>s of a bound ChoiceField, without Django's per-option widget templates
    (which were a third of the hall's render time), remembered per selected value and
    language: the hall renders the same seven lists on every search. Only for fields whose
    choices the form class fixes (the filter forms); a form that sets choices per instance
    must render its <select> otherwise."""
    value = field.value()
    current = "" if value is None else str(value)
    key = (type(field.form), field.name, current, get_language())
    html = _OPTIONS.get(key)
    if html is None:
        choices = [(str(v), label) for v, label in field.field.choices]
        html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, SafeString(" selected") if v == current else "", label) for v, label in choices),
        )
        if current == "" or any(v == current for v, _ in choices):
            _OPTIONS[key] = html
    return html


@register.simple_tag
def select(field: Any) -> SafeString:
    """A <select> for a bound ChoiceField with its id, name and Bootstrap class."""
    return format_html(
        '<select name="{}" id="{}" class="form-select">{}</select>',
        field.html_name,
        field.id_for_label,
        options(field),
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def ufpl_badge(fee_model_label: str) -> SafeString:
    """The 先使用后付费 badge with the offer's fee model in words ("" without an offer): the
    same on the hall's cards, the achievement page, search results and a need's matches."""
    if not fee_model_label:
        return SafeString("")
    return format_html(
        '<span class="badge text-bg-success" data-testid="ufpl-badge" '
        'title="可先使用后付费：{}">先使用后付费 · {}</span>',
        fee_model_label,
        fee_model_label,
    )


@register.simple_tag
def achievement_card(a: Any) -> SafeString:
    """One achievement card (hall, home, organisation page) from an
    achievements.selectors.AchievementCard, built in Python: the hall renders twenty per
    keystroke and the template version cost several times more (docs/deploy.md)."""
    return format_html(
        '<article class="card zh-card h-100"><div class="card-body">'
        '<div class="d-flex gap-2 mb-2 flex-wrap">'
        '<span class="badge text-bg-primary-subtle border border-primary-subtle '
        'text-primary-emphasis">{}</span>'
        '<span class="badge text-bg-light border">{}</span>'
        '<span class="badge text-bg-light border">TRL {}</span>{}</div>'
        '<h3 class="h6 card-title"><a class="stretched-link text-decoration-none" '
        'href="/achievements/{}/">{}</a></h3>'
        '<p class="card-text small text-body-secondary mb-1">{} · {}</p>'
        '<p class="card-text small mb-0 zh-clamp">{}</p></div></article>',
        a.ip_type_label,
        a.industry_field_label,
        a.trl,
        ufpl_badge(getattr(a, "offer_label", "")),
        a.id,
        a.title,
        a.owner_name,
        a.prefecture_name,
        _clip(a.summary, 90),
    )
