from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "zhuanhua.organisations"
    verbose_name = "机构"
