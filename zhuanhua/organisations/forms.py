from __future__ import annotations

from django import forms

from zhuanhua.core.forms import PhoneField, ServiceErrorsMixin, StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.organisations.choices import GOVERNMENT_TYPES, OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation

SIGN_UP_TYPES = [c for c in OrganisationType.choices if c[0] not in GOVERNMENT_TYPES]


def _supervisor_field(label: str, empty: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        required=False,
        empty_label=empty,
        queryset=Organisation.objects.filter(
            org_type=OrganisationType.SUPERVISING_DEPARTMENT, status=OrganisationStatus.APPROVED
        ).order_by("name"),
        help_text="科研单位、医疗卫生机构和国有企业向主管部门报送转化清单、备案（第四条、第六条）",
    )


class SignUpForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label="机构名称", max_length=200)
    org_type = forms.ChoiceField(label="机构类型", choices=SIGN_UP_TYPES)
    uscc = forms.CharField(label="统一社会信用代码", max_length=20)
    prefecture = forms.ChoiceField(label="所在州（市）", choices=PREFECTURE_CHOICES)
    address = forms.CharField(label="地址", max_length=300, required=False)
    contact_name = forms.CharField(label="联系人", max_length=60, required=False)
    contact_phone = PhoneField(label="联系电话", required=False)
    is_sme = forms.BooleanField(label="中小微企业", required=False)
    is_tech_enterprise = forms.BooleanField(label="科技型企业", required=False)
    supervisor = _supervisor_field("主管部门", "未填报（向省科技厅报送）")
    username = forms.CharField(label="管理员用户名", max_length=150)
    display_name = forms.CharField(label="管理员姓名", max_length=60)
    email = forms.EmailField(label="电子邮箱", required=False)
    password = forms.CharField(label="密码（至少 8 位，不能全为数字）", widget=forms.PasswordInput)


class ReviewForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="审核意见", max_length=500, required=False)


class SupervisorChangeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    supervisor = _supervisor_field("拟变更为", "不填报（向省科技厅报送）")
    reason = forms.CharField(
        label="变更理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
