from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "zhuanhua.publicity"
    verbose_name = "公示"
