"""Audit actions read as words on the pages that list them."""

from zhuanhua.audit.labels import action_label


def test_known_actions_read_as_chinese_words():
    assert action_label("exemption_case.publicise") == "免责案件 · 发起内部公示"
    assert action_label("unit_rules.adopt") == "单位免责制度 · 通过"


def test_an_unknown_part_stays_visible_rather_than_blank():
    assert action_label("exemption_case.new_step") == "免责案件 · new_step"
    assert action_label("create") == "新建"
