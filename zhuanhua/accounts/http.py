"""The request a signed-in view receives, for the type checker.

`HttpRequest.user` is `User | AnonymousUser`; behind `login_required` it is always our `User`, so such
views annotate `request: AuthedHttpRequest` instead of narrowing `request.user` line by line.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from zhuanhua.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User


# Whoever is looking at a public page: a signed-in `User` or Django's `AnonymousUser`. Predicates
# and selectors that also serve public pages take this and test `user.is_authenticated`.
Visitor = User | AnonymousUser
