"""The request a signed-in view receives, for the type checker.

`HttpRequest.user` is `User | AnonymousUser`; behind `login_required` it is always our `User`, so such
views annotate `request: AuthedHttpRequest` instead of narrowing `request.user` line by line.
"""

from __future__ import annotations

from django.http import HttpRequest

from zhuanhua.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User
