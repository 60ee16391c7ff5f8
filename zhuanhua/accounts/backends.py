"""Log-in backend: Django's ModelBackend, reading a signed-in user's organisation with the user.

Nearly every signed-in page shows or checks the user's organisation (the header, the workbench,
permissions), which cost one more query per request. It replaced Django's ModelBackend in
AUTHENTICATION_BACKENDS on 2026-12-04: sessions opened before that upgrade end once (their backend
is no longer listed) and those users sign in again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class OrganisationModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        from zhuanhua.accounts.models import User

        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
