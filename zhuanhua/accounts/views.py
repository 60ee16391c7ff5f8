"""Password reset by e-mail for people who forget theirs: Django's views with Chinese templates,
rate-limited per client address and per e-mail address, and the same answer whether or not the
address belongs to anyone (no user enumeration)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from zhuanhua.audit.services import audit_record
from zhuanhua.core import ratelimit

logger = logging.getLogger("zhuanhua.accounts")

# (limit, window in seconds); ZHUANHUA_RATE_LIMITS may override or turn off (None) each.
DEFAULT_RESET_LIMITS: dict[str, tuple[int, int] | None] = {
    "password_reset": (5, 3600),  # reset requests per client address per hour
    "password_reset_email": (3, 3600),  # e-mails sent to one address per hour
}


def reset_limit(name: str) -> tuple[int, int] | None:
    configured = getattr(settings, "ZHUANHUA_RATE_LIMITS", {})
    return configured[name] if name in configured else DEFAULT_RESET_LIMITS[name]


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link. Over the address limit: 429. Over the per-e-mail limit: no e-mail,
    but the same "sent" page, so a flood cannot fill someone's inbox nor tell whether an
    address is registered."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = reset_limit("password_reset")
        if limit:
            key = f"rl:password_reset:{ratelimit.client_address(request)}"
            allowed, retry_after = ratelimit.hit(key, *limit)
            if not allowed:
                return ratelimit.too_many(request, retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        limit = reset_limit("password_reset_email")
        if limit:
            email = form.cleaned_data["email"].strip().lower()
            digest = hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]
            allowed, _ = ratelimit.hit(f"rl:password_reset_email:{digest}", *limit)
            if not allowed:
                logger.warning("password reset e-mail limit reached for %s…", digest[:8])
                return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetSetView(auth_views.PasswordResetConfirmView):
    """Set the new password from the e-mailed link; audited, and the person's login lockout
    (django-axes) is lifted, since forgetting is often why they were locked out."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit_record(actor=user, obj=user, action="user.password_reset")
        axes_reset(username=user.get_username())
        return response
