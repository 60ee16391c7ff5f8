from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhuanhua.search"
    verbose_name = "检索与匹配"

    def ready(self) -> None:
        # A need's page and API list the achievements we match to it (needs never imports us).
        from zhuanhua.needs.selectors import need_matcher_register
        from zhuanhua.search.services import match_for_need

        need_matcher_register(match_for_need)
