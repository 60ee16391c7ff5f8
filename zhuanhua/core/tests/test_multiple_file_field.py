"""core.forms.MultipleFileField: several files in one input, cleaned to a list."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from zhuanhua.core.forms import MultipleFileField, MultipleFileInput


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label="证据材料", required=False)


def _file(name: str, content: bytes = b"%PDF-1.4 x") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_several_files_clean_to_a_list_in_their_order():
    files = MultiValueDict({"evidence": [_file("一.pdf"), _file("二.pdf")]})
    form = EvidenceForm(data={}, files=files)
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["evidence"]] == ["一.pdf", "二.pdf"]


def test_no_file_cleans_to_an_empty_list():
    form = EvidenceForm(data={}, files=MultiValueDict())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["evidence"] == []


def test_an_empty_file_among_several_is_refused():
    files = MultiValueDict({"evidence": [_file("一.pdf"), _file("空.pdf", b"")]})
    form = EvidenceForm(data={}, files=files)
    assert not form.is_valid()
    assert form.errors["evidence"] == ["所提交的是空文件。"]


def test_the_input_lets_the_browser_choose_several_files():
    field = MultipleFileField()
    assert isinstance(field.widget, MultipleFileInput)
    assert "multiple" in field.widget.render("evidence", None)


@pytest.mark.parametrize("app", ["credit", "subsidies"])
def test_apps_use_the_one_field(app):
    module = importlib.import_module(f"zhuanhua.{app}.forms")
    assert module.MultipleFileField is MultipleFileField
