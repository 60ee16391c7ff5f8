from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.accounts.models import User
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.exemption.choices import (
    DEFAULT_PUBLICITY_DAYS,
    DEFAULT_PUBLICITY_UNIT,
    ActivityKind,
    Decision,
    PersonRole,
    RecordKind,
    ReviewResult,
    RulesKind,
    Stance,
)
from zhuanhua.exemption.selectors import checklist_items

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_LABEL = "附件（可选；PDF、图片、Word、Excel、ZIP，≤ 20 MB）"


class RulesForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="制度类别", choices=RulesKind.choices)
    title = forms.CharField(label="制度名称", max_length=200)
    document = forms.FileField(label="制度文件（PDF、Word 等，≤ 20 MB）", required=False)
    adopted_on = forms.DateField(label="审议通过日（未通过可留空）", required=False, widget=DATE)
    adoption_record = forms.CharField(
        label="审议通过记录",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="会议名称、决策机构、表决情况；填写审议通过日时必填",
    )
    investigation_days = forms.IntegerField(
        label="调查时限（工作日，自立案起；尽职免责制度适用）",
        required=False,
        min_value=1,
        max_value=365,
    )
    review_days = forms.IntegerField(
        label="复核时限（工作日，自收到异议起）", required=False, min_value=1, max_value=365
    )


class AdoptForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    adopted_on = forms.DateField(label="审议通过日", widget=DATE)
    adoption_record = forms.CharField(
        label="审议通过记录", widget=forms.Textarea(attrs={"rows": 2})
    )


class LicenceChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_deal_kind_display()}：{obj.achievement.title} → {obj.licensee.name}"


class CaseForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="案件名称", max_length=200)
    state_established = forms.BooleanField(
        label="本单位为国家设立的事业单位或国有企业（指引第二条）", required=False, initial=True
    )
    activity_kind = forms.ChoiceField(label="涉及的转化活动", choices=ActivityKind.choices)
    activity_description = forms.CharField(
        label="转化活动说明", widget=forms.Textarea(attrs={"rows": 3})
    )
    achievement: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="关联科技成果（本单位的成果）",
        queryset=None,
        required=False,
        empty_label="—（不关联）",
    )
    licence: forms.ModelChoiceField[Any] = LicenceChoiceField(
        label="关联许可或交易（本单位为许可方/转让方）",
        queryset=None,
        required=False,
        empty_label="—（不关联）",
    )
    related_notice: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="关联公示（本单位发布的公示）",
        queryset=None,
        required=False,
        empty_label="—（不关联）",
    )
    loss_amount = forms.DecimalField(
        label="损失金额（元）", min_value=0, max_digits=14, decimal_places=2
    )
    loss_description = forms.CharField(
        label="损失情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, links: dict[str, Any], **kwargs: Any) -> None:
        """``links``: the unit's own records by field (services.unit_link_choices)."""
        super().__init__(*args, **kwargs)
        for name, queryset in links.items():
            cast("forms.ModelChoiceField[Any]", self.fields[name]).queryset = queryset


class PersonForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label="身份", choices=PersonRole.choices)
    user = forms.TypedChoiceField(
        label="平台用户（本单位，可选）", required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label="姓名（未关联平台用户时必填）", max_length=60, required=False)
    position = forms.CharField(label="职务", max_length=100, required=False)

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        cast(forms.ChoiceField, self.fields["user"]).choices = [("", "—（不关联）")] + [
            (u.pk, f"{u}（{u.username}）")
            for u in User.objects.filter(organisation_id=unit_id, is_active=True).order_by("id")[
                :500
            ]
        ]


class RecordForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RecordKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(
        label="内容（无附件时必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    person = forms.TypedChoiceField(
        label="涉及人员（陈述方）", required=False, coerce=int, empty_value=None
    )
    party = forms.CharField(label="陈述方 / 参加人", max_length=200, required=False)
    recorded_on = forms.DateField(label="日期", widget=DATE)
    file = forms.FileField(label=FILE_LABEL, required=False)

    def __init__(
        self, *args: Any, persons: Any, statement_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (p.pk, str(p)) for p in persons
        ]
        if statement_only:
            self.fields["kind"].choices = [(RecordKind.STATEMENT, RecordKind.STATEMENT.label)]  # type: ignore[attr-defined]


class MinutesForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """Minutes with one opinion row per person concerned (leaders first) and one free row."""

    held_on = forms.DateField(label="会议日期", widget=DATE)
    subject = forms.CharField(label="会议事项", max_length=200)
    content = forms.CharField(
        label="会议记录摘要", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stance_choices = [("", "—（未发言）"), *Stance.choices]
        self.rows: list[tuple[str, Any]] = []
        for person in persons:
            self.fields[f"stance_{person.pk}"] = forms.ChoiceField(
                label=f"{person}的意见", choices=stance_choices, required=False
            )
            self.fields[f"text_{person.pk}"] = forms.CharField(
                label=f"{person.name}发言要点", required=False, max_length=2000
            )
            self.rows.append((str(person.pk), person))
        self.fields["other_speaker"] = forms.CharField(
            label="其他发言人", max_length=60, required=False
        )
        self.fields["other_stance"] = forms.ChoiceField(
            label="其他发言人意见", choices=stance_choices, required=False
        )
        self.fields["other_text"] = forms.CharField(
            label="其他发言人要点", required=False, max_length=2000
        )
        for name in self.fields:
            widget = self.fields[name].widget
            if "class" not in widget.attrs:
                widget.attrs["class"] = (
                    "form-select" if isinstance(widget, forms.Select) else "form-control"
                )

    def opinions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rows = []
        for key, person in self.rows:
            if data.get(f"stance_{key}"):
                rows.append(
                    {
                        "person": person,
                        "stance": data[f"stance_{key}"],
                        "text": data.get(f"text_{key}", ""),
                    }
                )
        if data.get("other_speaker") or data.get("other_stance"):
            rows.append(
                {
                    "speaker": data.get("other_speaker", ""),
                    "stance": data.get("other_stance", ""),
                    "text": data.get("other_text", ""),
                }
            )
        return rows

    def person_fields(self) -> list[tuple[Any, Any, Any]]:
        return [(p, self[f"stance_{k}"], self[f"text_{k}"]) for k, p in self.rows]


class ChecklistForm(StyledFormMixin, forms.Form):
    """Findings for one person: the four article-6 conditions, intent, the role's grounds,
    the exclusions, and for a researcher the minor fault of article 9."""

    intentional = forms.BooleanField(label="存在主观故意", required=False)

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = checklist_items(role)
        self.items = items
        for condition in items["conditions"]:
            self.fields[f"d_{condition['code']}"] = forms.BooleanField(
                label=condition["text"], required=False
            )
        self.fields["grounds"] = forms.MultipleChoiceField(
            label="免责情形",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(g["code"], f"{g['label']}{g['text']}") for g in items["grounds"]],
        )
        self.fields["exclusions"] = forms.MultipleChoiceField(
            label="不予免责情形（第十条）",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(e["code"], f"{e['label']}{e['text']}") for e in items["exclusions"]],
        )
        if role == PersonRole.RESEARCHER:
            self.fields["minor_fault"] = forms.BooleanField(
                label="过错情节较轻（第九条）", required=False
            )
        for name in ("grounds", "exclusions"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def condition_fields(self) -> list[Any]:
        return [self[f"d_{c['code']}"] for c in self.items["conditions"]]

    @staticmethod
    def initial_from(checklist: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f"d_{k}": v for k, v in (checklist.get("diligence") or {}).items()
        }
        initial["intentional"] = checklist.get("intentional", False)
        initial["grounds"] = checklist.get("grounds", [])
        initial["exclusions"] = checklist.get("exclusions", [])
        initial["minor_fault"] = checklist.get("minor_fault", False)
        return initial

    def checklist(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "diligence": {
                c["code"]: bool(data.get(f"d_{c['code']}")) for c in self.items["conditions"]
            },
            "intentional": bool(data.get("intentional")),
            "grounds": list(data.get("grounds") or []),
            "exclusions": list(data.get("exclusions") or []),
            "minor_fault": bool(data.get("minor_fault")),
        }


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label="单位认定结论", choices=Decision.choices)
    reason = forms.CharField(
        label="认定理由（与清单建议不一致时必填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PubliciseForm(StyledFormMixin, forms.Form):
    starts_on = forms.DateField(label="公示开始日（不计入期间）", widget=DATE)
    period_days = forms.IntegerField(
        label="公示期", min_value=1, max_value=90, initial=DEFAULT_PUBLICITY_DAYS
    )
    period_unit = forms.ChoiceField(
        label="期间单位",
        initial=DEFAULT_PUBLICITY_UNIT,
        choices=[("working", "工作日"), ("calendar", "日（自然日）")],
    )


class ReviewForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label="复核结果", choices=ReviewResult.choices)
    findings = forms.CharField(label="复查核实情况", widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        label="反馈异议人", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    text = forms.CharField(label="最终决定", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_keys: list[tuple[str, Any]] = []
        for person in persons:
            name = f"final_{person.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{person}的最终决定",
                choices=Decision.choices,
                initial=person.decision,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.person_keys.append((name, person))

    def person_fields(self) -> list[Any]:
        return [self[name] for name, _ in self.person_keys]

    def final_decisions(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[name] for name, p in self.person_keys}


class EffectsForm(StyledFormMixin, forms.Form):
    recorded_on = forms.DateField(label="记录日期", widget=DATE)
    text = forms.CharField(
        label="认定结果运用（第十四条）",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="经认定予以免责的人员，在单位评先评优、表彰奖励、年度综合考核时不受影响；"
        "认定意见作为单位接受审计、监督检查等工作的依据。",
    )
