from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.organisations import services
from zhuanhua.organisations.choices import OrganisationStatus
from zhuanhua.organisations.forms import ReviewForm, SignUpForm, SupervisorChangeForm
from zhuanhua.organisations.models import Organisation, SupervisorChange


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


# --- 主管部门 (issue 24) ------------------------------------------------------------------------


@login_required
def supervisor(request: AuthedHttpRequest) -> HttpResponse:
    """The unit's supervising department, its change requests, and a request form (org admin)."""
    org = request.user.organisation
    if org is None or not org.is_research_unit:
        raise PermissionDenied(services.ERR_NOT_SUPERVISED)
    may_request = request.user.has_role(Role.ORG_ADMIN)
    form = SupervisorChangeForm(request.POST or None, initial={"supervisor": org.supervisor})
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied(services.ERR_NOT_ORG_ADMIN)
        if form.is_valid():
            try:
                services.supervisor_change_request(
                    user=request.user,
                    organisation=org,
                    supervisor=form.cleaned_data["supervisor"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "变更申请已提交，省科技厅审核同意后生效。")
                return redirect("organisations:supervisor")
    changes = org.supervisor_changes.select_related("previous", "requested", "decided_by")
    context = {
        "org": org,
        "form": form,
        "may_request": may_request,
        "pending": changes.filter(status=SupervisorChange.Status.PENDING).first(),
        "changes": changes[:20],
    }
    return render(request, "organisations/supervisor.html", context)


@login_required
def supervisor_changes(request: AuthedHttpRequest) -> HttpResponse:
    """The provincial department's queue of supervisor changes."""
    if not request.user.is_reviewer:
        raise PermissionDenied(services.ERR_NOT_PROVINCIAL)
    qs = SupervisorChange.objects.select_related("organisation", "previous", "requested")
    context = {
        "pending": qs.filter(status=SupervisorChange.Status.PENDING).order_by("requested_at"),
        "decided": qs.exclude(status=SupervisorChange.Status.PENDING)[:30],
        "form": ReviewForm(),
    }
    return render(request, "organisations/supervisor_changes.html", context)


@login_required
@require_POST
def supervisor_change_decide(request: AuthedHttpRequest, pk: int, decision: str) -> HttpResponse:
    if not request.user.is_reviewer:
        raise PermissionDenied(services.ERR_NOT_PROVINCIAL)
    change = get_object_or_404(SupervisorChange, pk=pk)
    try:
        services.supervisor_change_decide(
            user=request.user,
            change=change,
            approve=decision == "approve",
            reason=str(request.POST.get("reason", "")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已处理“{change.organisation.name}”的主管部门变更申请。")
    return redirect("organisations:supervisor_changes")
