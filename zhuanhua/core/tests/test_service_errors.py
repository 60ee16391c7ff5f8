"""core.forms.ServiceErrorsMixin: a service's refusal lands on the field it names, or on the form."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.core.exceptions import ValidationError

from zhuanhua.core.forms import ServiceErrorsMixin, apply_service_errors


class TermsForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField()
    terms = forms.CharField()


class DutyForm(ServiceErrorsMixin, forms.Form):
    duty_due_on = forms.CharField()

    def error_field(self, name: str) -> str:
        if name.startswith("duties["):
            return "duty_" + name.rsplit(".", 1)[-1]
        return super().error_field(name)


def _bound(form_class: type[forms.Form]) -> forms.Form:
    form = form_class(data={})
    form.full_clean()
    form.errors.clear()  # only the service's errors, not "required"
    return form


def test_an_error_naming_a_field_lands_on_that_field():
    form = _bound(TermsForm)
    form.apply_errors(ValidationError({"title": ["名称不能为空", "名称过长"]}))
    assert form.errors == {"title": ["名称不能为空", "名称过长"]}


def test_a_path_lands_on_the_field_of_its_first_part():
    form = _bound(TermsForm)
    form.apply_errors(ValidationError({"terms.royalty.rate": ["提成比例须在 0 到 100 之间"]}))
    assert form.errors == {"terms": ["提成比例须在 0 到 100 之间"]}


def test_an_error_naming_no_field_of_the_form_is_the_forms_own():
    form = _bound(TermsForm)
    form.apply_errors(ValidationError({"status": ["当前状态不能执行该操作"]}))
    assert form.errors == {"__all__": ["当前状态不能执行该操作"]}
    assert form.non_field_errors() == ["当前状态不能执行该操作"]


def test_an_error_without_field_names_is_the_forms_own():
    form = _bound(TermsForm)
    form.apply_errors(ValidationError(["额度不足", "已超过年度上限"]))
    assert form.non_field_errors() == ["额度不足", "已超过年度上限"]


def test_a_form_maps_its_own_paths_with_error_field():
    form = _bound(DutyForm)
    form.apply_errors(ValidationError({"duties[0].due_on": ["转化期限不能早于立项日期"]}))
    assert form.errors == {"duty_due_on": ["转化期限不能早于立项日期"]}


def test_the_function_serves_a_form_without_the_mixin():
    class Plain(forms.Form):
        amount = forms.CharField()

    form = _bound(Plain)
    apply_service_errors(form, ValidationError({"amount": ["金额须大于零"], "x": ["其他"]}))
    assert form.errors == {"amount": ["金额须大于零"], "__all__": ["其他"]}


@pytest.mark.parametrize(
    "app",
    [
        "achievements",
        "credit",
        "directory",
        "exemption",
        "licensing",
        "needs",
        "organisations",
        "projects",
        "publicity",
        "subsidies",
        "vouchers",
    ],
)
def test_every_app_uses_the_one_mixin(app):
    module = importlib.import_module(f"zhuanhua.{app}.forms")
    own = [
        name
        for name, cls in vars(module).items()
        if isinstance(cls, type)
        and cls.__module__ == module.__name__
        and "apply_errors" in vars(cls)
    ]
    assert own == []
