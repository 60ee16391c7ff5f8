"""Django's `{% url %}` with its answers remembered.

Every page reverses the same names many times over (the header alone has about twenty links; the
workbench a hundred rows of links), and `reverse()` is not cheap (docs/deploy.md, "Measurements
behind the code"). The answer depends only on the name, its arguments, the current app, the
script prefix, the URLconf and the language, which together are the memo's key. The tag is a
template builtin (TEMPLATES OPTIONS "builtins" in config/settings/base.py), so it stands in for
Django's everywhere with the same syntax and errors; a change of ROOT_URLCONF or
FORCE_SCRIPT_NAME (tests' override_settings) empties the memo.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=50_000)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    _prefix: str,
    urlconf: str | None,
    _language: str | None,
) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _clear(*, setting: str, **_: Any) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()


setting_changed.connect(_clear, dispatch_uid="zhuanhua.memo_url")


class MemoURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = _reverse(
                view_name,
                args,
                kwargs,
                current_app,
                get_script_prefix(),
                get_urlconf(),
                get_language(),
            )
        except TypeError:  # an unhashable argument: reverse it as Django would
            url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> MemoURLNode:
    node = defaulttags.url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
