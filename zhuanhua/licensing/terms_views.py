"""Pages where people write terms: the offer form and the negotiation, with the terms editor, its
live preview (htmx) and the diff of each version. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.licensing import services
from zhuanhua.licensing.diff import version_rows
from zhuanhua.licensing.forms import MessageForm, OfferForm, VersionForm
from zhuanhua.licensing.models import Inquiry, Licence
from zhuanhua.licensing.preview import preview_context
from zhuanhua.licensing.selectors import inquiries_visible_to
from zhuanhua.licensing.terms import version_from_offer
from zhuanhua.licensing.terms_form import TermsEditor

DEFAULT_OFFER_TERMS = {"upfront_fee": "0", "royalty": {"rate": "0.05", "period": "quarter"}}


def _editor_context(
    editor: TermsEditor, *, kind: str, term_months: Any = None, sample_text: str = ""
) -> dict[str, Any]:
    context = preview_context(
        editor, term_months=term_months, sample_text=sample_text, today=timezone.localdate()
    )
    context.update(editor.context())
    context["editor_kind"] = kind
    return context


@login_required
def offer_edit(request: AuthedHttpRequest, achievement_pk: int) -> HttpResponse:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=achievement_pk)
    if not services.is_licensor_editor(request.user, achievement.owner_id):
        raise PermissionDenied(services.ERR_NOT_OWNER_EDITOR)
    status = 200
    if request.method == "POST":
        form = OfferForm(request.POST)
        editor = TermsEditor.from_data(request.POST, with_term=False)
        terms = editor.clean(
            term_months=request.POST.get("term_months"), today=timezone.localdate()
        )
        if form.is_valid() and terms is not None:
            try:
                offer = services.offer_publish(
                    user=request.user,
                    achievement=achievement,
                    data={**form.cleaned_data, "terms": editor.raw},
                )
            except ValidationError as exc:
                for text in editor.apply_errors(exc):
                    form.add_error(None, text)
            else:
                messages.success(request, "先使用后付费许可报价已发布。")
                return redirect("licensing:offer_detail", pk=offer.pk)
        editor.errors.pop("term_months", None)  # the offer form shows it under its field
        for problem in form.errors.get("fee_model", []):
            editor.add_error("fee_model", str(problem))
        status = 422
    else:
        current = achievement.licence_offers.filter(is_active=True).first()
        initial: dict[str, Any] = {
            "summary": achievement.summary,
            "term_months": 36,
            "fee_model": "royalty",
        }
        terms_doc: dict[str, Any] = DEFAULT_OFFER_TERMS
        if current is not None:
            initial = {
                name: getattr(current, name)
                for name in (
                    "summary",
                    "fee_standard",
                    "fee_model",
                    "license_mode",
                    "term_months",
                    "field_of_use",
                    "territory",
                )
            }
            terms_doc = current.terms
        form = OfferForm(initial=initial)
        editor = TermsEditor.from_terms(
            terms_doc, with_term=False, fee_model=str(initial["fee_model"])
        )
    context = {"form": form, "a": achievement}
    context.update(
        _editor_context(
            editor,
            kind="offer",
            term_months=form.data.get("term_months") if form.is_bound else initial["term_months"],
            sample_text=request.POST.get("sample_revenue", ""),
        )
    )
    return render(request, "licensing/offer_form.html", context, status=status)


@login_required
@require_POST
def terms_preview(request: AuthedHttpRequest) -> HttpResponse:
    """The editor's preview panel for the posted inputs (htmx, on every change)."""
    with_term = request.POST.get("editor_kind") == "version"
    editor = TermsEditor.from_data(request.POST, with_term=with_term)
    context = preview_context(
        editor,
        term_months=request.POST.get("term_months"),
        sample_text=request.POST.get("sample_revenue", ""),
        today=timezone.localdate(),
    )
    return render(request, "licensing/_terms_preview.html", context)


def _inquiry_page(
    request: AuthedHttpRequest,
    inquiry: Inquiry,
    status: int = 200,
    *,
    message_form: MessageForm | None = None,
    version_form: VersionForm | None = None,
    editor: TermsEditor | None = None,
) -> HttpResponse:
    side = services.side_of(request.user, inquiry)
    versions = list(inquiry.versions.select_related("proposed_by").order_by("number"))
    latest = versions[-1] if versions else None
    if editor is None:
        base = (
            latest.terms
            if latest
            else version_from_offer(
                inquiry.offer.terms,
                fee_model=inquiry.offer.fee_model,
                start=timezone.localdate(),
                term_months=inquiry.offer.term_months,
            )
        )
        editor = TermsEditor.from_terms(base, with_term=True)
    context = {
        "inquiry": inquiry,
        "offer": inquiry.offer,
        "side": side,
        "is_open": inquiry.status == "open",
        "messages_list": inquiry.messages.select_related("author"),
        "versions": version_rows(inquiry.offer, versions),
        "latest": latest,
        "can_accept": side is not None
        and latest is not None
        and latest.side != side
        and inquiry.status == "open",
        "licence": Licence.objects.filter(inquiry=inquiry).first(),
        "message_form": message_form or MessageForm(),
        "version_form": version_form or VersionForm(),
    }
    context.update(
        _editor_context(editor, kind="version", sample_text=request.POST.get("sample_revenue", ""))
    )
    return render(request, "licensing/inquiry_detail.html", context, status=status)


@login_required
def inquiry_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    return _inquiry_page(request, inquiry)


@login_required
@require_POST
def message_post(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                user=request.user, inquiry=inquiry, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("licensing:inquiry_detail", pk=pk)
    return _inquiry_page(request, inquiry, status=422, message_form=form)


@login_required
@require_POST
def version_propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    form = VersionForm(request.POST)
    editor = TermsEditor.from_data(request.POST, with_term=True)
    terms = editor.clean(today=timezone.localdate())
    if form.is_valid() and terms is not None:
        try:
            version = services.version_propose(
                user=request.user,
                inquiry=inquiry,
                terms=editor.raw,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for text in editor.apply_errors(exc):
                form.add_error(None, text)
        else:
            messages.success(request, f"已提出第 {version.number} 版条款。")
            return redirect("licensing:inquiry_detail", pk=pk)
    return _inquiry_page(request, inquiry, status=422, version_form=form, editor=editor)
