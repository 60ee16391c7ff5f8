from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The pages that compose several apps: home and the workbench. They sit on top of the
    registry and the process apps so that core stays below them (docs/adr/0001-layers.md)."""

    name = "zhuanhua.portal"
    verbose_name = "门户"
