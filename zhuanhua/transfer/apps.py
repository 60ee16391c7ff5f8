from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "zhuanhua.transfer"
    verbose_name = "限时转化与先用后转"

    def ready(self) -> None:
        # The achievement page shows our rights-holders panel: flag a grant in its one query.
        from zhuanhua.achievements.selectors import detail_annotation_register
        from zhuanhua.transfer.selectors import with_rights_grant_flag

        detail_annotation_register(with_rights_grant_flag)
