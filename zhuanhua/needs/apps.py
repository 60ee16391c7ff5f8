from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "zhuanhua.needs"
    verbose_name = "技术需求"
