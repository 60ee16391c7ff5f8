"""Pages of the completers' consent (guide art. 7(1)): the unit's page per achievement and
purpose (ask, record offline answers, link accounts, proceed with a written reason), and the
completer's list and answer page. Thin: parse, call one service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements import consent
from zhuanhua.achievements.choices import ConsentAnswer, ConsentPurpose
from zhuanhua.achievements.models import Completer, CompleterConsent
from zhuanhua.achievements.selectors import achievement_visible_to
from zhuanhua.core.forms import StyledFormMixin


class OpenForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="拟实施方案说明（对象、方式、主要条件）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OverrideForm(StyledFormMixin, forms.Form):
    override_reason = forms.CharField(
        label="单位书面理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(StyledFormMixin, forms.Form):
    value = forms.ChoiceField(
        label="我的意见",
        choices=[(ConsentAnswer.AGREE, "同意"), (ConsentAnswer.OBJECT, "反对")],
    )
    reason = forms.CharField(
        label="理由（反对时必填）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _errors(request: AuthedHttpRequest, exc: ValidationError) -> None:
    for problem in exc.messages:
        messages.error(request, problem)


@login_required
def consent_page(request: AuthedHttpRequest, pk: int, purpose: str) -> HttpResponse:
    achievement = get_object_or_404(achievement_visible_to(request.user), pk=pk)
    if purpose not in ConsentPurpose.values:
        raise Http404
    if not consent.is_unit_editor(request.user, achievement):
        raise PermissionDenied(consent.ERR_NOT_UNIT_EDITOR)
    status = consent.consent_status(achievement, purpose)
    open_form, override_form = OpenForm(), OverrideForm()
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "open":
                open_form = OpenForm(request.POST)
                if open_form.is_valid():
                    consent.consent_request_open(
                        user=request.user,
                        achievement=achievement,
                        purpose=purpose,
                        note=open_form.cleaned_data["note"],
                    )
                    messages.success(request, "已征求完成人意见，在平台注册的完成人已收到通知。")
                    return redirect("achievements:consent", pk=pk, purpose=purpose)
            elif op == "offline":
                answer = get_object_or_404(
                    CompleterConsent, pk=request.POST.get("answer_id") or 0, request=status.request
                )
                consent.consent_record_offline(
                    user=request.user,
                    answer=answer,
                    value=request.POST.get("value", ""),
                    reason=request.POST.get("reason", "")[:2000],
                )
                messages.success(request, f"已登记{answer.name}的线下意见。")
                return redirect("achievements:consent", pk=pk, purpose=purpose)
            elif op == "link":
                completer = get_object_or_404(
                    Completer, pk=request.POST.get("completer_id") or 0, achievement=achievement
                )
                account = get_object_or_404(
                    consent.unit_people(achievement.owner_id),
                    pk=request.POST.get("account_id") or 0,
                )
                consent.completer_link_account(
                    user=request.user, completer=completer, account=account
                )
                if status.request is not None:
                    consent.consent_request_open(
                        user=request.user, achievement=achievement, purpose=purpose
                    )
                messages.success(request, f"已将{completer.name}关联到平台账号{account}并通知。")
                return redirect("achievements:consent", pk=pk, purpose=purpose)
            elif op == "override" and status.request is not None:
                override_form = OverrideForm(request.POST)
                if override_form.is_valid():
                    consent.consent_override(
                        user=request.user,
                        request=status.request,
                        reason=override_form.cleaned_data["override_reason"],
                    )
                    messages.success(request, "书面理由已记录，可以发布。")
                    return redirect("achievements:consent", pk=pk, purpose=purpose)
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "achievements/consent.html",
        {
            "a": achievement,
            "purpose_label": ConsentPurpose(purpose).label,
            "status": status,
            "open_form": open_form,
            "override_form": override_form,
            "people": list(consent.unit_people(achievement.owner_id)),
        },
        status=422 if open_form.errors or override_form.errors else 200,
    )


@login_required
def consent_mine(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "achievements/consent_mine.html",
        {"answers": consent.consent_answers_for(request.user)},
    )


@login_required
def consent_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(consent.consent_answers_for(request.user), pk=pk)
    form = AnswerForm(
        request.POST or None,
        initial={"value": answer.answer if answer.answer != "pending" else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent.consent_answer(
                user=request.user,
                answer=answer,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "您的意见已提交，单位将在发布前看到。")
            return redirect("achievements:consent_mine")
    return render(
        request,
        "achievements/consent_answer.html",
        {"ans": answer, "form": form},
        status=422 if form.errors else 200,
    )
