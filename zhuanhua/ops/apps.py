from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: demo data, backup and restore. They read and write every app, so they sit
    above them all instead of in core (docs/ARCHITECTURE.md, docs/adr/0001-layers.md)."""

    name = "zhuanhua.ops"
    verbose_name = "运维"
