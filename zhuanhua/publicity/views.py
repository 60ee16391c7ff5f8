"""Pages of publicity notices: the public list and detail, objections, the unit's pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.uploads import download_response
from zhuanhua.publicity import services
from zhuanhua.publicity.choices import NoticeKind, NoticeStatus
from zhuanhua.publicity.forms import (
    AnswerForm,
    AttachmentForm,
    CloseForm,
    NoticeFilterForm,
    NoticeForm,
    ObjectionForm,
)
from zhuanhua.publicity.models import Notice, NoticeAttachment, Objection
from zhuanhua.publicity.selectors import (
    can_see_objectors,
    notice_drafts_of,
    notice_internal_of,
    notice_period,
    notice_public_list,
    notice_visible_to,
)

PAGE_SIZE = 20


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _flash_form_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def notice_list(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = notice_public_list(kind=data.get("kind") or "", status=data.get("status") or "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "today": timezone.localdate(),
        "drafts": notice_drafts_of(request.user),
        "internal": notice_internal_of(request.user)[:50],
        "can_create": services.is_publisher_staff(request.user),
    }
    return render(request, "publicity/list.html", context)


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        notice_visible_to(request.user).select_related("publisher", "achievement", "licensee"),
        pk=pk,
    )
    today = timezone.localdate()
    is_publisher = services.is_publisher_staff(request.user, notice)
    objections = notice.objections.select_related("objector", "objector_organisation")
    context = {
        "n": notice,
        "period": notice_period(notice, today),
        "objections": objections,
        "show_objectors": can_see_objectors(request.user, notice),
        "is_publisher": is_publisher,
        "can_object": notice.status == NoticeStatus.PUBLISHED and today <= notice.ends_on,
        "can_close": is_publisher
        and notice.status == NoticeStatus.PUBLISHED
        and today > notice.ends_on,
        "objection_form": ObjectionForm(),
        "answer_form": AnswerForm(),
        "close_form": CloseForm(),
        "attachment_form": AttachmentForm(),
        "is_agreement": notice.kind == NoticeKind.AGREEMENT_PRICE,
    }
    return render(request, "publicity/detail.html", context)


@login_required
def notice_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if not services.is_publisher_staff(user):
        raise PermissionDenied(services.ERR_NOT_PUBLISHER)
    notice = None
    if pk is not None:
        notice = get_object_or_404(
            Notice.objects.filter(publisher_id=user.organisation_id, status=NoticeStatus.DRAFT),
            pk=pk,
        )
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES, user=user, with_file=notice is None)
        if form.is_valid():
            try:
                if notice is None:
                    notice = services.notice_create(
                        user=user,
                        data=form.service_data(),
                        upload=form.cleaned_data.get("file"),
                    )
                else:
                    notice = services.notice_update(
                        user=user, notice=notice, data=form.service_data()
                    )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "公示已保存为草稿，请核对公示期后发布。")
                return redirect("publicity:detail", pk=notice.pk)
    else:
        initial = None
        if notice is not None:
            initial = {name: getattr(notice, name) for name in services.EDITABLE_FIELDS}
            initial["achievement"] = notice.achievement_id
            initial["licensee"] = notice.licensee_id
        else:
            initial = {"starts_on": timezone.localdate()}
        form = NoticeForm(initial=initial, user=user, with_file=notice is None)
    return render(request, "publicity/form.html", {"form": form, "n": notice})


@login_required
@require_POST
def notice_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notice_visible_to(request.user), pk=pk)
    try:
        notice = services.notice_publish(user=request.user, notice=notice)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"公示已发布，公示期至 {notice.ends_on.isoformat()}。")
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def notice_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notice_visible_to(request.user), pk=pk)
    form = CloseForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        notice = services.notice_close(user=request.user, notice=notice, note=note)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"公示已结束：{notice.get_status_display()}。")
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def objection_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notice_visible_to(request.user), pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect("publicity:detail", pk=pk)
    try:
        services.objection_file(
            user=request.user, notice=notice, content=form.cleaned_data["content"]
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "异议已提交，公示单位将作出答复。")
    return redirect("publicity:detail", pk=pk)


@login_required
@require_POST
def objection_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        Objection.objects.select_related("notice").filter(
            notice__in=notice_visible_to(request.user)
        ),
        pk=pk,
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect("publicity:detail", pk=objection.notice_id)
    try:
        services.objection_answer(
            user=request.user, objection=objection, answer=form.cleaned_data["answer"]
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "已答复异议。")
    return redirect("publicity:detail", pk=objection.notice_id)


@login_required
@require_POST
def attachment_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notice_visible_to(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect("publicity:detail", pk=pk)
    try:
        services.notice_attachment_add(
            user=request.user, notice=notice, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "附件已上传。")
    return redirect("publicity:detail", pk=pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a notice's attachment to whoever may see the notice, as a download."""
    attachment = get_object_or_404(NoticeAttachment, pk=pk)
    if not notice_visible_to(request.user).filter(pk=attachment.notice_id).exists():
        raise Http404
    return download_response(attachment)
