"""Pages of the transfer app: the public 先用后转 section and the unit's own list."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.core.forms import apply_service_errors
from zhuanhua.core.uploads import download_response
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES, OrganisationStatus
from zhuanhua.organisations.models import Organisation
from zhuanhua.transfer import exports, selectors, services
from zhuanhua.transfer.choices import GrantApplicationStatus, ReportPeriodKind, ReportStatus
from zhuanhua.transfer.exports import report_totals
from zhuanhua.transfer.forms import (
    EquityContributionForm,
    EquityDecisionForm,
    GrantApplicationForm,
    GrantDecisionForm,
    LedgerEntryForm,
    PilotForm,
    ReportPeriodForm,
    UseFirstFilterForm,
)
from zhuanhua.transfer.models import SeparateManagementPilot
from zhuanhua.transfer.selectors import (
    UseFirstQuery,
    achievement_holders,
    can_supervise_reports,
    grant_applications_for,
    ledger_contributions_for,
    ledger_decisions_for,
    ledger_entries_for,
    reminders_mine,
    report_visible_to,
    reports_mine,
    use_first_mine,
    use_first_public,
    use_first_upcoming,
)

PAGE_SIZE = 20
ERR_NOT_SUPERVISOR = "只有主管部门可以查看各单位转化清单报送情况"


def use_first(request: HttpRequest) -> HttpResponse:
    form = UseFirstFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = UseFirstQuery(
        prefecture=data.get("prefecture") or "",
        industry_field=data.get("industry_field") or "",
        ip_type=data.get("ip_type") or "",
    )
    page = Paginator(use_first_public(query), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "params": params.urlencode()}
    return render(request, "transfer/use_first.html", context)


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    entries = list(use_first_mine(request.user))

    offered = set(
        LicenceOffer.objects.filter(
            is_active=True, achievement_id__in=[e.achievement_id for e in entries]
        ).values_list("achievement_id", flat=True)
    )
    context = {
        "offered": offered,
        "can_edit": request.user.can_edit_achievements,
        "organisation": request.user.organisation,
        "current": [e for e in entries if e.left_on is None],
        "past": [e for e in entries if e.left_on is not None],
        "needs_terms": sum(1 for e in entries if e.needs_terms),
        "upcoming": use_first_upcoming(request.user, today),
        "reminders": reminders_mine(request.user),
        "today": today,
    }
    return render(request, "transfer/mine.html", context)


# --- helpers --------------------------------------------------------------------------------------


def _first_error(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "ignore").decode() or "download"}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _can_edit(user: User, organisation_id: int) -> bool:
    return bool(user.can_edit_achievements and user.organisation_id == organisation_id)


# --- 先用后转: the unit confirms its terms ------------------------------------------------------------


@login_required
@require_POST
def terms_complete(request: AuthedHttpRequest, achievement_id: int) -> HttpResponse:
    entry = get_object_or_404(use_first_mine(request.user), achievement_id=achievement_id)
    try:
        services.use_first_terms_mark_completed(user=request.user, achievement=entry.achievement)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, "已记录：先使用后付费条款已完善。")
    return redirect("transfer:mine")


# --- 转化清单 --------------------------------------------------------------------------------------


@login_required
def reports(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = ReportPeriodForm(
        request.POST or None,
        initial={"year": timezone.localdate().year - 1, "period_kind": ReportPeriodKind.YEAR},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.transfer_report_create(
                user=user,
                year=form.cleaned_data["year"],
                period_kind=form.cleaned_data["period_kind"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "转化清单已生成，请核对后报送。")
            return redirect("transfer:report_detail", pk=report.pk)
    context = {
        "form": form,
        "reports": reports_mine(user),
        "can_edit": bool(
            user.can_edit_achievements and user.organisation and user.organisation.is_research_unit
        ),
        "can_supervise": can_supervise_reports(user),
    }
    return render(request, "transfer/reports.html", context)


@login_required
def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(report_visible_to(request.user), pk=pk)
    editable = report.status == ReportStatus.DRAFT and _can_edit(
        request.user, report.organisation_id
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(services.ERR_REPORT_FROZEN)
        line_remarks = {
            int(key.removeprefix("remarks_")): str(value)
            for key, value in request.POST.items()
            if key.startswith("remarks_") and key.removeprefix("remarks_").isdigit()
        }
        try:
            services.transfer_report_update(
                user=request.user,
                report=report,
                remarks=request.POST.get("remarks", ""),
                line_remarks=line_remarks,
            )
        except ValidationError as exc:
            errors = exc.message_dict
            messages.error(request, _first_error(exc))
        else:
            if request.POST.get("then") == "submit":
                services.transfer_report_submit(user=request.user, report=report)
                messages.success(request, "转化清单已报送主管部门。")
            else:
                messages.success(request, "备注已保存。")
            return redirect("transfer:report_detail", pk=report.pk)
    report.refresh_from_db()
    context = {
        "report": report,
        "lines": report.lines.order_by("position"),
        "editable": editable,
        "errors": errors,
        "totals": report_totals(report),
        "can_receive": report.is_frozen
        and report.received_at is None
        and services.may_receive_report(request.user, report),
    }
    return render(request, "transfer/report_detail.html", context)


@login_required
@require_POST
def report_receive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The supervising department signs for a submitted report (签收)."""
    report = get_object_or_404(report_visible_to(request.user), pk=pk)
    try:
        services.transfer_report_receive(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, "已签收该转化清单。")
    return redirect("transfer:report_detail", pk=report.pk)


@login_required
@require_POST
def report_regenerate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(report_visible_to(request.user), pk=pk)
    try:
        services.transfer_report_regenerate(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, "已按最新记录重新生成清单（备注保留）。")
    return redirect("transfer:report_detail", pk=report.pk)


@login_required
def report_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(report_visible_to(request.user), pk=pk)
    name = f"转化清单-{report.organisation.name}-{report.year}-{report.period_kind}.xlsx"
    return _file(exports.report_xlsx(report), exports.XLSX_TYPE, name)


@login_required
def report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(report_visible_to(request.user), pk=pk)
    name = f"转化清单-{report.organisation.name}-{report.year}-{report.period_kind}.pdf"
    return _file(exports.report_pdf(report), "application/pdf", name)


@login_required
def report_overview(request: AuthedHttpRequest) -> HttpResponse:
    if not can_supervise_reports(request.user):
        raise PermissionDenied(ERR_NOT_SUPERVISOR)
    form = ReportPeriodForm(request.GET or None)
    if form.is_valid():
        year, kind = form.cleaned_data["year"], form.cleaned_data["period_kind"]
    else:
        year, kind = timezone.localdate().year - 1, ReportPeriodKind.YEAR
        form = ReportPeriodForm(initial={"year": year, "period_kind": kind})
    rows = selectors.report_overview(year, kind, request.user)
    context = {
        "to_receive": selectors.reports_to_receive(request.user),
        "form": form,
        "rows": rows,
        "year": year,
        "period_label": f"{year} 年{ReportPeriodKind(kind).label}",
        "submitted_count": sum(1 for r in rows if r.submitted),
        "missing_count": sum(1 for r in rows if not r.submitted),
    }
    return render(request, "transfer/report_overview.html", context)


# --- 赋权 ------------------------------------------------------------------------------------------


def holders(request: HttpRequest, achievement_id: int) -> HttpResponse:
    achievement = get_object_or_404(
        achievement_visible_to(request.user).select_related("owner"), pk=achievement_id
    )
    grant, rows = achievement_holders(achievement)
    user = request.user
    can_apply = bool(
        user.is_authenticated
        and user.organisation_id == achievement.owner_id
        and user.has_role(Role.RESEARCHER)
        and grant is None
        and achievement.is_service
    )
    context = {
        "achievement": achievement,
        "grant": grant,
        "rows": rows,
        "can_apply": can_apply,
        "notice": getattr(getattr(grant, "application", None), "notice", None) if grant else None,
    }
    return render(request, "transfer/holders.html", context)


@login_required
def grant_apply(request: AuthedHttpRequest, achievement_id: int) -> HttpResponse:
    achievement = get_object_or_404(
        achievement_visible_to(request.user).filter(owner_id=request.user.organisation_id),
        pk=achievement_id,
    )
    form = GrantApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.grant_application_create(
                user=request.user,
                achievement=achievement,
                kind=form.cleaned_data["kind"],
                statement=form.cleaned_data["statement"],
                use_years=form.cleaned_data.get("use_years"),
                shares=form.shares(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "赋权申请已提交，等待单位审查。")
            return redirect("transfer:grant_detail", pk=application.pk)
    return render(
        request,
        "transfer/grant_apply.html",
        {"form": form, "achievement": achievement, "completers": achievement.completers.all()},
    )


@login_required
def grants(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "transfer/grants.html", {"applications": grant_applications_for(request.user)}
    )


@login_required
def grant_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(grant_applications_for(request.user), pk=pk)
    can_decide = application.status == GrantApplicationStatus.SUBMITTED and _can_edit(
        request.user, application.achievement.owner_id
    )
    form = GrantDecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(services.ERR_NOT_GRANTOR)
        if form.is_valid():
            try:
                application = services.grant_application_decide(
                    user=request.user,
                    application=application,
                    negative_list_category=form.cleaned_data["negative_list_category"],
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已处理：{application.get_status_display()}")
                return redirect("transfer:grant_detail", pk=application.pk)
    return render(
        request,
        "transfer/grant_detail.html",
        {"application": application, "form": form, "can_decide": can_decide},
    )


# --- 单列管理 / 台账 ---------------------------------------------------------------------------------


@login_required
def ledger(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    in_pilot = services.is_pilot(user.organisation_id)
    org_id = user.organisation_id
    # Without an organisation, nothing (owner_id=None would match ownerless records).
    own = Achievement.objects.none()
    if org_id is not None:
        own = (
            Achievement.objects.filter(owner_id=org_id)
            .exclude(ledger_entries__organisation_id=org_id)
            .order_by("title")
        )
    form = LedgerEntryForm(
        request.POST or None, achievements=own, initial={"entered_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.ledger_entry_create(
                user=user,
                achievement=form.cleaned_data["achievement"],
                entered_on=form.cleaned_data["entered_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已登记入台账。")
            return redirect("transfer:ledger_entry", pk=entry.pk)
    entries = (
        ledger_entries_for(user).prefetch_related("contributions").order_by("-entered_on", "-id")
    )
    context = {
        "form": form,
        "entries": entries,
        "in_pilot": in_pilot,
        "can_edit": in_pilot and user.can_edit_achievements,
    }
    return render(request, "transfer/ledger.html", context)


@login_required
def ledger_entry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ledger_entries_for(request.user), pk=pk)
    form = EquityContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.equity_contribution_create(user=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "作价入股已登记。")
            return redirect("transfer:ledger_entry", pk=entry.pk)
    contributions = entry.contributions.prefetch_related("decisions")
    context = {
        "entry": entry,
        "form": form,
        "contributions": contributions,
        "decision_form": EquityDecisionForm(),
        "can_edit": _can_edit(request.user, entry.organisation_id),
    }
    return render(request, "transfer/ledger_entry.html", context)


@login_required
@require_POST
def equity_decision(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(ledger_contributions_for(request.user), pk=pk)
    form = EquityDecisionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.equity_decision_create(
                user=request.user,
                contribution=contribution,
                kind=form.cleaned_data["kind"],
                decided_on=form.cleaned_data["decided_on"],
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["document"],
            )
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
        else:
            messages.success(request, "股权处置决策已登记。")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("transfer:ledger_entry", pk=contribution.entry_id)


@login_required
def equity_document(request: AuthedHttpRequest, pk: int) -> FileResponse:
    decision = get_object_or_404(ledger_decisions_for(request.user), pk=pk)
    return download_response(decision)


@login_required
def ledger_export(request: AuthedHttpRequest) -> HttpResponse:
    entries = list(
        ledger_entries_for(request.user)
        .prefetch_related("contributions__decisions")
        .order_by("entered_on", "id")
    )
    org = request.user.organisation
    if org is None:
        raise Http404
    return _file(
        exports.ledger_xlsx(org, entries), exports.XLSX_TYPE, f"单列管理台账-{org.name}.xlsx"
    )


@login_required
def pilots(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_reviewer:
        raise PermissionDenied(services.ERR_NOT_PILOT_ADMIN)
    candidates = Organisation.objects.filter(
        org_type__in=RESEARCH_UNIT_TYPES,
        status=OrganisationStatus.APPROVED,
        separate_management_pilot__isnull=True,
    ).order_by("name")
    form = PilotForm(request.POST or None, organisations=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.pilot_add(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已纳入单列管理试点。")
            return redirect("transfer:pilots")
    return render(
        request,
        "transfer/pilots.html",
        {
            "form": form,
            "pilots": SeparateManagementPilot.objects.select_related("organisation").order_by(
                "organisation__name"
            ),
        },
    )
