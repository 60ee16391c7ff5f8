from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "zhuanhua.transfer"
    verbose_name = "限时转化与先用后转"
