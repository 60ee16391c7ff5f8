"""Small, fast template helpers for hot pages (the hall renders on every search keystroke)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def options(field: Any) -> SafeString:
    """The <option>s of a bound ChoiceField, without Django's per-option widget templates
    (which were a third of the hall's render time)."""
    value = field.value()
    current = "" if value is None else str(value)
    return format_html_join(
        "", "<option value=\"{}\"{}>{}</option>",
        ((str(v), SafeString(" selected") if str(v) == current else "", label)
         for v, label in field.field.choices),
    )


@register.simple_tag
def select(field: Any) -> SafeString:
    """A <select> for a bound ChoiceField with its id, name and Bootstrap class."""
    return format_html(
        '<select name="{}" id="{}" class="form-select">{}</select>',
        field.html_name, field.id_for_label, options(field),
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def achievement_card(a: Any) -> SafeString:
    """One achievement card (hall, home, organisation page) from an
    achievements.selectors.AchievementCard, built in Python: the hall renders twenty per
    keystroke and the template version cost ~0.5 ms a card."""
    return format_html(
        '<article class="card zh-card h-100"><div class="card-body">'
        '<div class="d-flex gap-2 mb-2 flex-wrap">'
        '<span class="badge text-bg-primary-subtle border border-primary-subtle '
        'text-primary-emphasis">{}</span>'
        '<span class="badge text-bg-light border">{}</span>'
        '<span class="badge text-bg-light border">TRL {}</span></div>'
        '<h3 class="h6 card-title"><a class="stretched-link text-decoration-none" '
        'href="/achievements/{}/">{}</a></h3>'
        '<p class="card-text small text-body-secondary mb-1">{} · {}</p>'
        '<p class="card-text small mb-0 zh-clamp">{}</p></div></article>',
        a.ip_type_label, a.industry_field_label, a.trl, a.id, a.title,
        a.owner_name, a.prefecture_name, _clip(a.summary, 90),
    )
