from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhuanhua.core"
    verbose_name = "平台基础"
