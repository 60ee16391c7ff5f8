"""The daily job closes notices whose period ended; a second run changes nothing."""

import datetime as dt

from zhuanhua.audit.models import AuditEntry
from zhuanhua.publicity import services
from zhuanhua.publicity.jobs import publicity_close_due
from zhuanhua.publicity.selectors import agreement_price_cleared
from zhuanhua.publicity.tests.conftest import END

AFTER = END + dt.timedelta(days=1)


def test_job_leaves_a_running_period_alone(open_notice):
    assert publicity_close_due(END) == {"closed": 0, "waiting": 0}
    open_notice.refresh_from_db()
    assert open_notice.status == "published"


def test_job_closes_due_notices_once(open_notice, published_a, enterprise):
    assert publicity_close_due(AFTER) == {"closed": 1, "waiting": 0}
    open_notice.refresh_from_db()
    assert open_notice.status == "closed_no_objection"
    assert open_notice.closed_by_id is None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_label) == ("notice.close", "系统")
    count = AuditEntry.objects.count()
    closed_at = open_notice.closed_at

    assert publicity_close_due(AFTER) == {"closed": 0, "waiting": 0}
    assert publicity_close_due(AFTER + dt.timedelta(days=1)) == {"closed": 0, "waiting": 0}

    open_notice.refresh_from_db()
    assert (open_notice.status, open_notice.closed_at) == ("closed_no_objection", closed_at)
    assert AuditEntry.objects.count() == count
    assert agreement_price_cleared(achievement=published_a, licensee=enterprise) is True


def test_job_waits_for_answers(manager_a, outsider, open_notice):
    objection = services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=END
    )
    count = AuditEntry.objects.count()

    assert publicity_close_due(AFTER) == {"closed": 0, "waiting": 1}
    open_notice.refresh_from_db()
    assert open_notice.status == "published"
    assert AuditEntry.objects.count() == count

    services.objection_answer(user=manager_a, objection=objection, answer="已复核，价格公允。")
    assert publicity_close_due(AFTER) == {"closed": 1, "waiting": 0}
    open_notice.refresh_from_db()
    assert open_notice.status == "closed_objections_handled"
