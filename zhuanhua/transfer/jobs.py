"""Daily jobs of the transfer app (being built)."""

import datetime as dt


def use_first_list_update(today: dt.date) -> dict[str, int]:
    return {}
