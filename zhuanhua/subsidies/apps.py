from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "zhuanhua.subsidies"
    verbose_name = "奖补"

    def ready(self) -> None:
        # Measure 14's yearly ceiling counts M14-1 grants as well as voucher spends (issue 24.4).
        from zhuanhua.subsidies.selectors import m14_grants_in_year
        from zhuanhua.vouchers.caps import register_shared_cap_use

        register_shared_cap_use(m14_grants_in_year)
