from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "zhuanhua.vouchers"
    verbose_name = "科技创新券"
