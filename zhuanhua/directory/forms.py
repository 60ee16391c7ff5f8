from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from zhuanhua.achievements.choices import IndustryField
from zhuanhua.core.forms import PhoneField, ServiceErrorsMixin, StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.directory.choices import ManagerLevel, ProviderKind, ServiceCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ProviderKind.choices)
    name = forms.CharField(label="名称", max_length=200)
    is_enclave = forms.BooleanField(label="省外“飞地”孵化器", required=False)
    prefecture = forms.ChoiceField(
        label="所在州（市）", required=False, choices=[("", "请选择"), *PREFECTURE_CHOICES]
    )
    location = forms.CharField(label="地址（省外填写城市）", max_length=300, required=False)
    introduction = forms.CharField(label="简介", widget=forms.Textarea(attrs={"rows": 4}))
    capacity = forms.CharField(label="服务能力", max_length=500, required=False)
    contact_name = forms.CharField(label="联系人", max_length=60)
    contact_phone = PhoneField(label="联系电话")
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    is_public = forms.BooleanField(label="公开展示", required=False, initial=True)


class OfferForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label="服务类别", choices=ServiceCategory.choices)
    title = forms.CharField(label="服务名称", max_length=200)
    description = forms.CharField(label="服务内容", widget=forms.Textarea(attrs={"rows": 3}))
    price = forms.CharField(label="收费标准", max_length=200)
    capacity = forms.CharField(label="服务能力/周期", max_length=200, required=False)


class RequestForm(StyledFormMixin, forms.Form):
    description = forms.CharField(
        label="需求说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    contract_amount = forms.DecimalField(label="合同金额（元）", max_digits=17, decimal_places=2)
    contract_signed_on = forms.DateField(label="合同签订日期", widget=DATE)


class DeclineForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label="未受理原因", max_length=500)


class DeliverForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label="交付日期", widget=DATE)
    note = forms.CharField(
        label="交付说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoucherPayForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    voucher_amount = forms.DecimalField(
        label="本次使用创新券（元）",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="不超过合同金额的 50%（含此前已用），且不超过本年度剩余额度",
    )


class ManagerForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    level = forms.ChoiceField(label="级别", choices=ManagerLevel.choices)
    # A declared field named like BaseForm.fields: the form metaclass moves it into self.fields.
    fields = forms.MultipleChoiceField(  # type: ignore[assignment]
        label="服务领域", choices=IndustryField.choices, required=False
    )
    introduction = forms.CharField(
        label="个人简介", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_phone = PhoneField(label="联系电话", required=False)
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    is_public = forms.BooleanField(label="公开展示", required=False, initial=True)


class CertificateForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label="证书名称", max_length=200)
    number = forms.CharField(label="证书编号", max_length=100)
    issuer = forms.CharField(label="发证机构", max_length=200)
    issued_on = forms.DateField(label="发证日期", widget=DATE)


class CourseForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="课程/班次", max_length=200)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    hours = forms.DecimalField(label="学时", max_digits=6, decimal_places=1)
    is_practical = forms.BooleanField(label="实训/实践", required=False)
    location = forms.CharField(label="地点", max_length=200, required=False)


class AttendanceForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    manager = forms.IntegerField(label="技术经理人（登记编号）", min_value=1)
    hours = forms.DecimalField(
        label="计入学时（空则按课程学时）", max_digits=6, decimal_places=1, required=False
    )
    passed = forms.BooleanField(label="考核合格", required=False, initial=True)


class BrokerForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    broker = forms.IntegerField(label="技术经理人（登记编号）", min_value=1)
    contract_amount = forms.DecimalField(
        label="技术合同成交金额（元）", max_digits=17, decimal_places=2
    )
    is_related_party = forms.BooleanField(label="关联技术交易", required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return default


def form_data(form: forms.Form) -> dict[str, Any]:
    return dict(form.cleaned_data)
