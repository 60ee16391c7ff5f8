"""Pure policy engines: no Django imports, JSON-in/JSON-out, Decimal money.

Each engine module exposes ``run(doc: dict) -> dict`` and raises
:class:`zhuanhua.engines.common.InputError` on bad input; ``zhuanhua.cli`` maps
commands such as ``zhuanhua licensing schedule`` onto them.
"""
