"""Pages of the equity deal (作价投资, deals.py) that the licence's pages do not have: its
listing form with the evaluation report, its version form and the share registration.
Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.uploads import download_response
from zhuanhua.licensing import services
from zhuanhua.licensing.choices import DealKind
from zhuanhua.licensing.deal_forms import (
    EquityOfferForm,
    EquityVersionForm,
    ShareRegistrationForm,
)
from zhuanhua.licensing.models import EvaluationReport, Inquiry
from zhuanhua.licensing.selectors import licences_visible_to, offers_public
from zhuanhua.licensing.views import _licence_page


def equity_offer_edit(request: AuthedHttpRequest, achievement: Achievement) -> HttpResponse:
    """The equity listing (the caller checked the unit's editor): valuation terms and report."""
    status = 200
    if request.method == "POST":
        form = EquityOfferForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                offer = services.offer_publish(
                    user=request.user,
                    achievement=achievement,
                    data={
                        "deal_kind": DealKind.EQUITY_CONTRIBUTION,
                        "summary": form.cleaned_data["summary"],
                        "fee_standard": form.cleaned_data["fee_standard"],
                        "terms": form.terms(),
                    },
                    evaluation_report=form.cleaned_data["evaluation_report"],
                )
            except ValidationError as exc:
                form.apply_terms_errors(exc)
            else:
                messages.success(request, "作价投资挂牌信息已发布。")
                return redirect("licensing:offer_detail", pk=offer.pk)
        status = 422
    else:
        current = achievement.licence_offers.filter(
            is_active=True, deal_kind=DealKind.EQUITY_CONTRIBUTION
        ).first()
        initial: dict[str, Any] = {"summary": achievement.summary}
        if current is not None:
            initial = {
                "summary": current.summary,
                "fee_standard": current.fee_standard,
                **EquityOfferForm.initial_from(current.terms),
            }
        form = EquityOfferForm(initial=initial)
    return render(
        request, "licensing/equity_offer_form.html", {"form": form, "a": achievement}, status=status
    )


def equity_version_form(inquiry: Inquiry, latest_terms: dict[str, Any] | None) -> EquityVersionForm:
    """The version form of an equity negotiation, filled with the latest version (or the
    listing taking effect today)."""
    base = latest_terms or {**inquiry.offer.terms, "start": timezone.localdate().isoformat()}
    return EquityVersionForm(initial=EquityVersionForm.initial_from(base))


def equity_version_propose(
    request: AuthedHttpRequest, inquiry: Inquiry
) -> tuple[Any, EquityVersionForm]:
    """Propose an equity version from the posted form: (version or None, the form)."""
    form = EquityVersionForm(request.POST)
    if not form.is_valid():
        return None, form
    try:
        version = services.version_propose(
            user=request.user, inquiry=inquiry, terms=form.terms(), note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        form.apply_terms_errors(exc)
        return None, form
    return version, form


@login_required
@require_POST
def share_register(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = ShareRegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.share_register(
                user=request.user,
                licence=licence,
                shares=form.cleaned_data["shares"],
                share_percent=form.fraction(),
                registered_on=form.cleaned_data["registered_on"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "股权登记已记录，对方已收到通知。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, share_form=form)


@login_required
def evaluation_report(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The evaluation report of an active equity listing, for signed-in visitors (enterprises
    weighing the valuation, the department); a closed listing's report through its deal."""
    offer = get_object_or_404(offers_public(), pk=pk)
    report = EvaluationReport.objects.filter(offer=offer).first()
    if report is None:
        raise Http404
    return download_response(report)
