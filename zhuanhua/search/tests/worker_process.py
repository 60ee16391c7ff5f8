"""A web worker in its own process for test_workers_share_the_index.py: Django set up against
the database named in DATABASE_URL, the search index directory given on the command line.

    python -c "from zhuanhua.search.tests.worker_process import main; main()" ROLE DIR [...]

writer: rebuilds and saves the index (index_rebuild), says "rebuilt", then on "write <title>"
        creates and publishes an achievement through the services and says "written <pk>".
reader: maps the saved index, says {"mapped": …, "found": […]} for the first search, then on
        "search <q>" answers the ids it finds now.
Every answer is one JSON line on stdout; commands arrive one per line on stdin.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

from zhuanhua.accounts.models import User  # noqa: E402
from zhuanhua.achievements.services import achievement_create, achievement_transition  # noqa: E402
from zhuanhua.search import services  # noqa: E402


def say(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> None:
    role, directory = sys.argv[1], sys.argv[2]
    settings.ZHUANHUA_SEARCH_DIR = directory

    if role == "writer":
        manager_name, reviewer_name = sys.argv[3], sys.argv[4]
        info = services.index_rebuild()
        say({"rebuilt": info["documents"]})
        for line in sys.stdin:
            command, _, title = line.strip().partition(" ")
            if command != "write":
                break
            manager = User.objects.get(username=manager_name)
            reviewer = User.objects.get(username=reviewer_name)
            data = {
                "title": title,
                "summary": f"{title}：从钕铁硼废料中回收稀土元素的湿法冶金工艺。",
                "keywords": ["稀土回收", "钕铁硼"],
                "industry_field": "new_materials",
                "ip_type": "patent",
                "ip_number": "ZL202310000099.1",
                "ip_acquired_on": "2023-05-10",
                "trl": 6,
                "fiscally_funded": True,
                "is_applied_technology": True,
            }
            a = achievement_create(
                user=manager, data=data, completers=[{"name": "李四", "employer": "昆明理工大学"}]
            )
            achievement_transition(user=manager, achievement=a, action="submit")
            achievement_transition(user=reviewer, achievement=a, action="publish")
            say({"written": a.pk})
        return

    query = sys.argv[3]
    service = services.get_service()
    hits, _, _ = service.search("achievement", query)
    index = service.index()
    say(
        {
            "mapped": bool(getattr(index, "mapped", False)),
            "loaded": service._live_name,
            "found": [h.object.pk for h in hits],
        }
    )
    for line in sys.stdin:
        command, _, q = line.strip().partition(" ")
        if command != "search":
            break
        hits, _, _ = service.search("achievement", q)
        say({"found": [h.object.pk for h in hits], "last_change_id": service.last_change_id})


if __name__ == "__main__":
    main()
