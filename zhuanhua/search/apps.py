from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhuanhua.search"
    verbose_name = "检索与匹配"

    def ready(self) -> None:
        # A need's page and API list the achievements we match to it, and the achievements
        # hall and the needs hall rank a keyword as 检索 does (neither app imports us).
        from zhuanhua.achievements.selectors import hall_ranker_register
        from zhuanhua.needs.selectors import need_matcher_register, need_ranker_register
        from zhuanhua.search.services import hall_ranking, match_for_need, need_ranking

        need_matcher_register(match_for_need)
        hall_ranker_register(hall_ranking)
        need_ranker_register(need_ranking)
