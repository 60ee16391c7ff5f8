from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "zhuanhua.licensing"
    verbose_name = "先使用后付费许可"
