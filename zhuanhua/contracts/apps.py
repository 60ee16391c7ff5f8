from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "zhuanhua.contracts"
    verbose_name = "技术合同"
