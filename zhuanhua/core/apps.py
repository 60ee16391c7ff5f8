from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhuanhua.core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        # Every process that writes (web workers, the job runner, management commands) must
        # invalidate the public page cache, not only the ones that load the middleware.
        from zhuanhua.core import pagecache

        pagecache.connect_signals()
