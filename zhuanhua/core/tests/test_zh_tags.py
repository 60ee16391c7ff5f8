"""The hall's <select> helper: the remembered option lists must follow the selection and language."""

from __future__ import annotations

from django.utils import translation

from zhuanhua.achievements.forms import HallFilterForm
from zhuanhua.core.templatetags import zh


def _options(data: dict[str, str]) -> str:
    form = HallFilterForm(data)
    form.is_valid()
    return str(zh.options(form["ip_type"]))


def test_options_mark_the_chosen_value_each_time() -> None:
    first = _options({"ip_type": "patent"})
    other = _options({"ip_type": "software_copyright"})
    again = _options({"ip_type": "patent"})
    assert '<option value="patent" selected>' in first
    assert '<option value="software_copyright" selected>' in other
    assert 'value="patent" selected' not in other
    assert again == first
    assert first.count(" selected") == 1


def test_options_for_a_value_outside_the_choices_are_not_remembered() -> None:
    zh._OPTIONS.clear()
    html = _options({"ip_type": "<script>"})
    assert " selected" not in html
    assert "<script>" not in html
    assert not any(key[2] == "<script>" for key in zh._OPTIONS)


def test_options_follow_the_page_language() -> None:
    with translation.override("zh-hans"):
        chinese = _options({})
    with translation.override("en"):
        english = _options({})
    assert "全部类型" in chinese
    assert chinese != english or "全部类型" in english  # an untranslated label stays Chinese
    assert {key[3] for key in zh._OPTIONS if key[1] == "ip_type"} >= {"zh-hans", "en"}
