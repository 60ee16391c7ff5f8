"""Pages where people write terms: the offer form and the negotiation, with the terms editor, its
live preview (htmx) and the diff of each version. Thin: parse, call one service, render."""

from __future__ import annotations

import datetime as dt
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
from zhuanhua.licensing import deals, services
from zhuanhua.licensing.choices import DealKind, FeeModel
from zhuanhua.licensing.deal_forms import AssignmentOfferForm, EquityVersionForm
from zhuanhua.licensing.deal_views import (
    equity_offer_edit,
    equity_version_form,
    equity_version_propose,
)
from zhuanhua.licensing.diff import version_rows
from zhuanhua.licensing.forms import MessageForm, OfferForm, VersionForm
from zhuanhua.licensing.models import Inquiry, Licence
from zhuanhua.licensing.preview import preview_context
from zhuanhua.licensing.selectors import inquiries_visible_to
from zhuanhua.licensing.terms import version_from_offer
from zhuanhua.licensing.terms_form import TermsEditor

DEFAULT_OFFER_TERMS = {"upfront_fee": "0", "royalty": {"rate": "0.05", "period": "quarter"}}
# An assignment's price (deals.py): paid at once unless the unit adds installments.
ASSIGNMENT_FEE_MODELS = [(FeeModel.STAGED, "首付款（门槛费）+分期价款（阶段性支付）")]


def _default_assignment_terms() -> dict[str, Any]:
    due = timezone.localdate() + dt.timedelta(days=90)
    return {
        "upfront_fee": "0",
        "installments": [{"key": "一次性支付", "amount": "0", "due": due.isoformat()}],
    }


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
    kind = request.POST.get("deal_kind") or request.GET.get("kind") or DealKind.LICENSE
    if kind == DealKind.EQUITY_CONTRIBUTION:
        return equity_offer_edit(request, achievement)
    assignment = kind == DealKind.ASSIGNMENT
    form_class = AssignmentOfferForm if assignment else OfferForm
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        editor = TermsEditor.from_data(request.POST, with_term=False)
        terms = editor.clean(
            term_months=request.POST.get("term_months"), today=timezone.localdate()
        )
        if form.is_valid() and terms is not None:
            try:
                offer = services.offer_publish(
                    user=request.user,
                    achievement=achievement,
                    data={
                        **form.cleaned_data,
                        "terms": editor.raw,
                        "deal_kind": DealKind.ASSIGNMENT if assignment else DealKind.LICENSE,
                    },
                )
            except ValidationError as exc:
                for text in editor.apply_errors(exc):
                    form.add_error(None, text)
            else:
                messages.success(
                    request,
                    "转让挂牌信息已发布。" if assignment else "先使用后付费许可报价已发布。",
                )
                return redirect("licensing:offer_detail", pk=offer.pk)
        editor.errors.pop("term_months", None)  # the offer form shows it under its field
        for problem in form.errors.get("fee_model", []):
            editor.add_error("fee_model", str(problem))
        status = 422
    else:
        current = achievement.licence_offers.filter(
            is_active=True, deal_kind=DealKind.ASSIGNMENT if assignment else DealKind.LICENSE
        ).first()
        initial: dict[str, Any] = {
            "summary": achievement.summary,
            "term_months": 12 if assignment else 36,
            "fee_model": FeeModel.STAGED if assignment else "royalty",
        }
        terms_doc: dict[str, Any] = (
            _default_assignment_terms() if assignment else DEFAULT_OFFER_TERMS
        )
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
        form = form_class(initial={k: v for k, v in initial.items() if k in form_class.base_fields})
        editor = TermsEditor.from_terms(
            terms_doc, with_term=False, fee_model=str(initial["fee_model"])
        )
    context: dict[str, Any] = {"form": form, "a": achievement, "assignment": assignment}
    context.update(
        _editor_context(
            editor,
            kind="offer",
            term_months=form.data.get("term_months") if form.is_bound else initial["term_months"],
            sample_text=request.POST.get("sample_revenue", ""),
        )
    )
    if assignment:
        context["fee_models"] = ASSIGNMENT_FEE_MODELS
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
    equity_form: EquityVersionForm | None = None,
) -> HttpResponse:
    side = services.side_of(request.user, inquiry)
    versions = list(inquiry.versions.select_related("proposed_by").order_by("number"))
    latest = versions[-1] if versions else None
    kind = inquiry.offer.deal_kind
    equity = kind == DealKind.EQUITY_CONTRIBUTION
    if equity:
        editor = None
    elif editor is None:
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
    context: dict[str, Any] = {
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
        "deal_kind": kind,
        "words": deals.words(kind),
    }
    if equity:
        context["equity_form"] = equity_form or equity_version_form(
            inquiry, latest.terms if latest else None
        )
    else:
        assert editor is not None
        context.update(
            _editor_context(
                editor, kind="version", sample_text=request.POST.get("sample_revenue", "")
            )
        )
        if kind == DealKind.ASSIGNMENT:
            context["fee_models"] = ASSIGNMENT_FEE_MODELS
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
    if inquiry.offer.deal_kind == DealKind.EQUITY_CONTRIBUTION:
        proposed, equity_form = equity_version_propose(request, inquiry)
        if proposed is not None:
            messages.success(request, f"已提出第 {proposed.number} 版条款。")
            return redirect("licensing:inquiry_detail", pk=pk)
        return _inquiry_page(request, inquiry, status=422, equity_form=equity_form)
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
