from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "zhuanhua.disclosures"
    verbose_name = "职务成果披露"
