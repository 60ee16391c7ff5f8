"""{% url %} (the remembered builtin) answers exactly as Django's reverse() would."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from zhuanhua.core.templatetags import memo_url


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_builtin_is_the_remembering_tag() -> None:
    node = Template("{% url 'core:home' %}").nodelist[0]
    assert isinstance(node, memo_url.MemoURLNode)


def test_names_and_arguments_reverse_as_django_does() -> None:
    memo_url._reverse.cache_clear()
    for pk in (1, 2, 1):
        assert render("{% url 'achievements:detail' pk %}", pk=pk) == reverse(
            "achievements:detail", args=[pk]
        )
    assert render("{% url 'achievements:detail' pk=7 %}") == reverse(
        "achievements:detail", kwargs={"pk": 7}
    )
    info = memo_url._reverse.cache_info()
    assert info.hits >= 1
    assert info.currsize == 3


def test_as_variable_and_missing_names() -> None:
    assert render("{% url 'nope:nothing' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nope:nothing' %}")


def test_an_unhashable_argument_still_reverses() -> None:
    class Unhashable(int):
        __hash__ = None  # type: ignore[assignment]

    assert render("{% url 'achievements:detail' pk %}", pk=Unhashable(5)) == reverse(
        "achievements:detail", args=[5]
    )


@override_settings(FORCE_SCRIPT_NAME="/zh/")
def test_a_changed_script_prefix_is_not_served_from_the_memo() -> None:
    from django.urls import set_script_prefix

    set_script_prefix("/zh/")
    try:
        assert render("{% url 'core:home' %}") == "/zh/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'core:home' %}") == "/"
