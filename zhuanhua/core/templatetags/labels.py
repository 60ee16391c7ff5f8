"""The site's value filters as template builtins (settings.TEMPLATES): `{{ amount|yuan }}`,
`{{ rate|percent }}`, `{{ period|period_words }}`. The rules live in zhuanhua/core/labels.py."""

from __future__ import annotations

from django import template

from zhuanhua.core.labels import percent, period_words, yuan

register = template.Library()
register.filter("yuan", yuan)
register.filter("percent", percent)
register.filter("period_words", period_words)
