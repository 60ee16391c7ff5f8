"""`{% header_menu user as menu %}`: the header's links from portal/menus.py, so base.html shows
only what the person may open (its fragment is cached under `menu.cache_key`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from zhuanhua.portal import menus

register = template.Library()


@register.simple_tag
def header_menu(user: Any) -> menus.HeaderMenu:
    # An error page drawn without the request's context has no user: the public's links.
    if not hasattr(user, "is_authenticated"):
        user = AnonymousUser()
    return menus.header_menu(user)
