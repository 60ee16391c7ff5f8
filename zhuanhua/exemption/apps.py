from django.apps import AppConfig


class ExemptionConfig(AppConfig):
    name = "zhuanhua.exemption"
    verbose_name = "尽职免责"
