from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "zhuanhua.credit"
    verbose_name = "诚信管理"
