from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "zhuanhua.licensing"
    verbose_name = "先使用后付费许可"

    def ready(self) -> None:
        # Registered licences are voucher spend subjects (vouchers never imports us).
        from zhuanhua.licensing import voucher_subjects

        voucher_subjects.register()

        # 认定登记 goes through the contracts app's registrars; their registration is recorded
        # on the licence, and typed-in registrations stay readable to contracts.selectors.
        from zhuanhua.licensing import contract_registration

        contract_registration.register_hooks()

        # The hall's 先使用后付费 filter: our fee models and the EXISTS on active offers.
        from zhuanhua.achievements.selectors import (
            HallOfferFilter,
            detail_annotation_register,
            hall_offer_filter_register,
        )
        from zhuanhua.licensing.choices import FeeModel
        from zhuanhua.licensing.selectors import (
            active_offer_fee_model,
            has_offer_filter,
            with_active_offer,
        )

        hall_offer_filter_register(
            HallOfferFilter(
                choices=list(FeeModel.choices),
                condition=has_offer_filter,
                fee_model=active_offer_fee_model,
            )
        )
        # The achievement page's 先使用后付费 panel: the active offer in the page's one query.
        detail_annotation_register(with_active_offer)
