"""The licence page's 认定登记 step: the licensor submits the signed contract to a registrar
(contracts app); the panel shows the submission's state until the registration comes back."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.contracts.services import default_registrar, registrars
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.licensing import contract_registration, selectors
from zhuanhua.licensing.models import Licence


class RegistrationSubmitForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    registrar = forms.ModelChoiceField(
        label="技术合同登记机构", queryset=registrars(), empty_label=None
    )
    contract_amount = forms.DecimalField(
        label="合同成交额（元）",
        max_digits=17,
        decimal_places=2,
        min_value=0,
        help_text="默认为合同约定的固定金额（入门费与分期款；作价投资为作价金额）",
    )
    technology_field = forms.CharField(label="技术领域", max_length=200)

    def __init__(self, *args: Any, licence: Licence | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["registrar"])
        field.queryset = registrars()
        field.initial = default_registrar()
        if licence is not None:
            self.fields["contract_amount"].initial = licence.price_amount()
            self.fields[
                "technology_field"
            ].initial = licence.achievement.get_industry_field_display()


@login_required
@require_POST
def registration_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(selectors.licences_visible_to(request.user), pk=pk)
    form = RegistrationSubmitForm(request.POST, licence=licence)
    if form.is_valid():
        try:
            contract = contract_registration.registration_submit(
                user=request.user, licence=licence, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"已提交{contract.registrar.name if contract.registrar else ''}认定登记。"
            )
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("licensing:licence_detail", pk=pk)
