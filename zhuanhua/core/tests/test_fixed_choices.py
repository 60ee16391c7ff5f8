"""Filter forms' choice fields share the class's choice list across instances (core/forms.py)."""

from __future__ import annotations

from django import forms

from zhuanhua.core.forms import FixedChoiceField, FixedTypedChoiceField


class _Filter(forms.Form):
    colour = FixedChoiceField(required=False, choices=[("", "全部"), ("red", "红"), ("blue", "蓝")])
    level = FixedTypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "不限"), *[(i, f"{i} 级") for i in range(1, 4)]],
    )


def test_instances_share_the_class_choices_instead_of_copying_them():
    one, two = _Filter(), _Filter()
    assert one.fields["colour"] is not two.fields["colour"]
    assert one.fields["colour"].choices is two.fields["colour"].choices
    assert one.fields["colour"].widget is not two.fields["colour"].widget
    assert one.fields["colour"].widget.choices == [("", "全部"), ("red", "红"), ("blue", "蓝")]


def test_validation_and_coercion_are_unchanged():
    form = _Filter({"colour": "red", "level": "2"})
    assert form.is_valid()
    assert form.cleaned_data == {"colour": "red", "level": 2}
    bad = _Filter({"colour": "green", "level": "9"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"colour", "level"}


def test_an_instance_given_its_own_choices_does_not_change_the_others():
    one = _Filter()
    one.fields["colour"].choices = [("green", "绿")]
    one.fields["colour"].widget.attrs["data-x"] = "1"
    two = _Filter({"colour": "red"})
    assert two.is_valid()
    assert [v for v, _ in two.fields["colour"].choices] == ["", "red", "blue"]
    assert "data-x" not in two.fields["colour"].widget.attrs
    assert not _Filter({"colour": "green"}).is_valid()
