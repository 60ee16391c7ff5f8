from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "zhuanhua.subsidies"
    verbose_name = "奖补"
