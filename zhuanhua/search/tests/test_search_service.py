"""The search service: segmentation, filters, incremental updates through the change log across
two service instances (two workers), drafts, odd queries, matching reasons, rebuild."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import (
    achievement_create,
    achievement_transition,
    achievement_update,
)
from zhuanhua.core.models import SearchChange
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.needs.services import need_create, need_transition, need_update
from zhuanhua.search.services import (
    CURRENT,
    SearchService,
    get_service,
    match_for_achievement,
    match_for_need,
    search_achievements,
    search_needs,
)

pytestmark = pytest.mark.django_db

TEA = {
    "title": "普洱茶渥堆发酵过程控制技术",
    "summary": "通过控制温度与湿度，实现普洱茶渥堆发酵的标准化，缩短发酵周期并提升品质稳定性。",
    "keywords": ["普洱茶发酵", "渥堆"],
    "industry_field": "food",
    "ip_type": "know_how",
    "trl": 7,
}


def publish(manager: Any, reviewer: Any, data: dict[str, Any]) -> Any:
    a = achievement_create(user=manager, data=data, completers=[{"name": "李四"}])
    achievement_transition(user=manager, achievement=a, action="submit")
    return achievement_transition(user=reviewer, achievement=a, action="publish")


def ids(hits: list[Any]) -> list[int]:
    return [h.object.pk for h in hits]


def test_domain_term_is_found_with_highlighted_snippet(published_a: Any) -> None:
    hits, total, suggestions = search_achievements("固态储氢")
    assert ids(hits) == [published_a.pk]
    assert total == 1
    assert suggestions == []
    assert "<mark>" in hits[0].snippet
    # a part of the domain word still matches through the character bigrams
    assert ids(search_achievements("储氢材料")[0]) == [published_a.pk]


def test_filters_are_applied(published_a: Any, manager_b: Any, reviewer: Any) -> None:
    tea = publish(manager_b, reviewer, TEA)
    tea.prefecture = "530800"
    tea.save()
    get_service().reset()
    assert ids(search_achievements("发酵")[0]) == [tea.pk]
    assert ids(search_achievements("发酵", {"prefecture": "530800"})[0]) == [tea.pk]
    assert search_achievements("发酵", {"prefecture": "530100"})[1] == 0
    assert search_achievements("发酵", {"industry_field": "new_energy"})[1] == 0
    assert search_achievements("储氢", {"ip_type": "patent", "trl_min": 6})[1] == 1
    assert search_achievements("储氢", {"trl_min": 7})[1] == 0


def test_drafts_and_submissions_never_appear(draft_a: Any, manager_a: Any) -> None:
    assert search_achievements("固态储氢")[1] == 0
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    assert search_achievements("固态储氢")[1] == 0


def test_publish_edit_and_delist_reach_two_workers(
    search_dir: Any,
    draft_a: Any,
    manager_a: Any,
    reviewer: Any,
    manager_b: Any,
) -> None:
    worker1, worker2 = SearchService(search_dir), SearchService(search_dir)
    worker1.rebuild()
    assert (search_dir / CURRENT).exists()
    assert worker2.search("achievement", "固态储氢")[1] == 0  # loads the saved (empty) index
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    achievement_transition(user=reviewer, achievement=draft_a, action="publish")
    tea = publish(manager_b, reviewer, TEA)
    for worker in (worker1, worker2):
        assert ids(worker.search("achievement", "固态储氢")[0]) == [draft_a.pk]
        assert ids(worker.search("achievement", "渥堆")[0]) == [tea.pk]
    # delist → gone everywhere; edit while delisted (not indexed) and republish → new text
    achievement_transition(user=manager_a, achievement=draft_a, action="delist")
    for worker in (worker1, worker2):
        assert worker.search("achievement", "固态储氢")[1] == 0
    achievement_update(user=manager_a, achievement=draft_a, data={"title": "镁基合金储氢罐"})
    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    achievement_transition(user=reviewer, achievement=draft_a, action="publish")
    for worker in (worker1, worker2):
        assert ids(worker.search("achievement", "储氢罐")[0]) == [draft_a.pk]
    assert worker2.last_change_id == SearchChange.objects.latest("id").id


def test_need_publish_edit_close_reach_two_workers(
    search_dir: Any,
    enterprise_user: Any,
    published_need: Any,
) -> None:
    worker1, worker2 = SearchService(search_dir), SearchService(search_dir)
    worker1.rebuild()
    assert ids(worker2.search("need", "离网光伏")[0]) == [published_need.pk]
    need_update(user=enterprise_user, need=published_need, data={"title": "三七皂苷提取工艺需求"})
    for worker in (worker1, worker2):
        assert ids(worker.search("need", "三七皂苷")[0]) == [published_need.pk]
    need_transition(user=enterprise_user, need=published_need, action="close")
    for worker in (worker1, worker2):
        assert worker.search("need", "三七皂苷")[1] == 0


def test_a_late_committing_change_is_picked_up(published_a: Any, search_dir: Any) -> None:
    """An id seen missing (its transaction not yet committed) is asked for again."""
    service = SearchService(search_dir)
    service.search("achievement", "储氢")
    first = SearchChange.objects.create(kind="achievement", object_id=published_a.pk, op="upsert")
    later = SearchChange.objects.create(kind="achievement", object_id=published_a.pk, op="upsert")
    first_id = first.id
    first.delete()  # as if still uncommitted when the worker reads
    service.catch_up()
    assert service.last_change_id == later.id
    assert first_id in service._gaps
    published_a.status = "delisted"
    published_a.save()
    SearchChange.objects.create(
        id=first_id, kind="achievement", object_id=published_a.pk, op="remove"
    )
    service.catch_up()
    assert first_id not in service._gaps
    assert service.search("achievement", "储氢")[1] == 0


@pytest.mark.parametrize("query", ["", "   ", "，。！？……", "😀🎉🚀", "!!!???", "🧪——《》"])
def test_empty_punctuation_and_emoji_queries(published_a: Any, query: str) -> None:
    hits, total, suggestions = search_achievements(query)
    assert (hits, total, suggestions) == ([], 0, [])


def test_very_long_query(published_a: Any) -> None:
    hits, total, _ = search_achievements("固态储氢" + "材料制备方法" * 2000)
    assert total >= 1
    assert ids(hits) == [published_a.pk]
    assert search_achievements("储氢", limit=10_000, offset=-5)[1] == 1


def test_did_you_mean_on_empty_results(manager_b: Any, reviewer: Any) -> None:
    publish(manager_b, reviewer, {**TEA, "keywords": ["普洱茶发酵", "渥堆", "石墨烯"]})
    assert search_achievements("石黑烯") == ([], 0, ["石墨烯"])
    assert search_achievements("握堆")[2] == ["渥堆"]


def test_match_for_need_gives_chinese_reasons(
    published_a: Any,
    published_need: Any,
    manager_b: Any,
    reviewer: Any,
) -> None:
    publish(manager_b, reviewer, TEA)
    matches = match_for_need(published_need)
    assert matches[0].object.pk == published_a.pk
    reasons = matches[0].reasons
    assert any(r.startswith("共同术语：") and "固态储氢" in r for r in reasons)
    assert "同属领域：新能源与节能" in reasons
    assert "同在昆明市" in reasons
    back = match_for_achievement(published_a)
    assert [m.object.pk for m in back] == [published_need.pk]


def test_fee_model_reason_from_active_offer(published_a: Any, published_need: Any) -> None:
    LicenceOffer.objects.create(
        achievement=published_a,
        summary="s",
        fee_standard="f",
        fee_model="royalty",
        license_mode="non_exclusive",
        term_months=36,
    )
    get_service().reset()
    reasons = match_for_need(published_need)[0].reasons
    assert "收费方式相符：门槛费+收入提成" in reasons


def test_draft_need_is_matched_but_not_searchable(
    enterprise_user: Any,
    need_data: dict[str, Any],
    published_a: Any,
) -> None:
    need = need_create(user=enterprise_user, data=need_data)
    assert search_needs("离网光伏")[1] == 0
    assert [m.object.pk for m in match_for_need(need)] == [published_a.pk]


def test_rebuild_command_saves_index_and_position(published_a: Any, search_dir: Any) -> None:
    call_command("search", "rebuild", "--no-progress")
    pointer = (search_dir / CURRENT).read_text().strip()
    assert (search_dir / pointer / "position.json").exists()
    fresh = SearchService(search_dir)
    assert fresh.search("achievement", "固态储氢")[1] == 1
    assert fresh.last_change_id == SearchChange.objects.latest("id").id
    call_command("search", "rebuild", "--no-progress")  # replaces the old directory
    assert len([p for p in search_dir.iterdir() if p.name.startswith("index-")]) == 1


def test_rebuild_trains_and_saves_the_field_classifier(unit_a: Any, search_dir: Any) -> None:
    texts = {
        "food": ["普洱茶渥堆发酵工艺", "咖啡豆烘焙风味控制", "鲜花饼保鲜包装", "野生菌冷链保鲜"],
        "new_energy": ["固态储氢材料制备", "光伏组件清洗机器人", "锂电池梯次利用", "风电叶片监测"],
        "biomedicine": ["三七皂苷提取纯化", "灯盏花素注射液", "天麻素缓释片", "重楼皂苷抗肿瘤"],
    }
    rows = [
        Achievement(
            owner=unit_a,
            title=f"{title}技术{i}",
            summary=f"{title}的方法与装置",
            keywords=[title[:4]],
            industry_field=field,
            ip_type="know_how",
            trl=5,
            status="published",
            prefecture="530100",
        )
        for field, titles in texts.items()
        for title in titles
        for i in range(2)
    ]
    Achievement.objects.bulk_create(rows)
    info = SearchService(search_dir).rebuild()
    assert info["documents"] == 24
    assert info["classifier"]
    fresh = SearchService(search_dir)
    fresh.search("achievement", "茶")
    assert fresh._classifier is not None
    assert fresh.matcher().classifier.predict("普洱茶发酵") == "食品与轻工"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_out_of_order_commits_on_postgresql(published_a: Any, search_dir: Any) -> None:
    """A transaction that took a smaller log id but commits after a bigger one is not lost."""
    import threading

    from django.db import connection, transaction

    service = SearchService(search_dir)
    assert service.search("achievement", "固态储氢")[1] == 1
    inserted, release = threading.Event(), threading.Event()

    def slow_delist() -> None:
        try:
            with transaction.atomic():
                Achievement.objects.filter(pk=published_a.pk).update(status="delisted")
                SearchChange.objects.create(
                    kind="achievement", object_id=published_a.pk, op="remove"
                )
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_delist)
    worker.start()
    inserted.wait(10)
    SearchChange.objects.create(kind="need", object_id=999, op="remove")  # bigger id, committed
    service.catch_up()
    assert service._gaps  # the smaller id is still invisible
    release.set()
    worker.join(10)
    assert service.search("achievement", "固态储氢")[1] == 0
    assert not service._gaps
