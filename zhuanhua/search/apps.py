from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhuanhua.search"
    verbose_name = "检索与匹配"
