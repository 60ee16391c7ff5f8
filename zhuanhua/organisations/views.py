from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.organisations import services
from zhuanhua.organisations.choices import OrganisationStatus
from zhuanhua.organisations.forms import ReviewForm, SignUpForm
from zhuanhua.organisations.models import Organisation


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"username", "password", "display_name", "email"}
        }
        try:
            services.organisation_sign_up(
                data=data,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            return render(request, "organisations/sign_up_done.html")
    return render(request, "organisations/sign_up.html", {"form": form})


@login_required
def review_list(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_reviewer:
        raise PermissionDenied(services.ERR_NOT_REVIEWER)
    pending = Organisation.objects.filter(status=OrganisationStatus.PENDING).order_by("created_at")
    return render(
        request, "organisations/review_list.html", {"pending": pending, "form": ReviewForm()}
    )


@login_required
@require_POST
def review(request: AuthedHttpRequest, pk: int, decision: str) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    form = ReviewForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.organisation_review(
            user=request.user, organisation=org, approve=decision == "approve", reason=str(reason)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已处理“{org.name}”的登记申请。")
    return redirect("organisations:review_list")
