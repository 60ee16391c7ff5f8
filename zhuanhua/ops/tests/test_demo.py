"""`zhuanhua demo`: the loaded data covers every kind the platform knows, and loads once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from zhuanhua.accounts.choices import Role
from zhuanhua.achievements.choices import AchievementStatus, IpType, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import HallQuery, achievement_hall
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify
from zhuanhua.core.models import Announcement
from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.core.text import query_tokens
from zhuanhua.core.uscc import validate_uscc
from zhuanhua.ops import demo, demo_government
from zhuanhua.organisations.choices import OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation, SupervisorChange
from zhuanhua.transfer.selectors import reports_to_receive

SMALL = 60


def _values(qs, name):
    return set(qs.values_list(name, flat=True).distinct())


@pytest.mark.django_db
def test_default_demo_covers_every_kind():
    out = StringIO()
    call_command("demo", stdout=out)

    assert Achievement.objects.count() >= 300
    assert _values(Organisation.objects, "org_type") == set(OrganisationType.values)
    assert _values(Organisation.objects, "prefecture") >= set(PREFECTURES)
    assert _values(Achievement.objects, "prefecture") >= set(PREFECTURES)
    assert _values(Achievement.objects, "ip_type") == set(IpType.values)
    assert _values(Achievement.objects, "status") == set(AchievementStatus.values)
    assert _values(Achievement.objects, "transfer_status") == set(TransferStatus.values)
    roles = {role for user in get_user_model().objects.all() for role in user.roles}
    assert roles == set(Role.values)
    text = out.getvalue()
    assert demo.DEMO_PASSWORD in text
    for username in (
        "dept_reviewer",
        "auditor",
        "admin",
        "ynu_manager",
        "kust_manager",
        "researcher1",
        "tech_manager1",
        "firm_staff",
    ):
        assert username in text


@pytest.mark.django_db
def test_demo_accounts_have_their_roles_and_the_shared_password():
    demo.load_demo(size=SMALL)
    users = {u.username: u for u in get_user_model().objects.select_related("organisation")}

    assert users["dept_reviewer"].roles == [Role.DEPARTMENT_REVIEWER]
    assert users["dept_reviewer"].organisation.org_type == OrganisationType.DEPARTMENT
    assert users["admin"].is_superuser
    assert users["admin"].is_staff
    assert users["admin"].roles == [Role.PLATFORM_ADMIN]
    assert set(users["ynu_manager"].roles) == {Role.ACHIEVEMENT_MANAGER, Role.ORG_ADMIN}
    assert users["ynu_manager"].organisation.name == "云南大学"
    assert users["kust_manager"].organisation.name == "昆明理工大学"
    assert users["tech_manager1"].organisation.org_type == OrganisationType.SERVICE_AGENCY
    assert set(users["firm_staff"].roles) == {Role.LICENSEE_STAFF, Role.ORG_ADMIN}
    assert users["firm_staff"].organisation.is_sme
    assert users["firm_staff"].organisation.org_type == OrganisationType.ENTERPRISE
    assert users["auditor"].roles == [Role.AUDITOR]
    assert users["researcher1"].check_password(demo.DEMO_PASSWORD)
    assert users["ynu_manager"].can_edit_achievements


@pytest.mark.django_db
def test_demo_organisations_have_valid_codes_and_pending_sign_ups():
    demo.load_demo(size=SMALL)
    orgs = list(Organisation.objects.all())

    assert all(validate_uscc(o.uscc) == o.uscc for o in orgs)
    assert any(o.uscc[0].isalpha() for o in orgs)
    assert Organisation.objects.filter(status=OrganisationStatus.PENDING).count() == 2
    assert Organisation.objects.filter(status=OrganisationStatus.REJECTED).count() == 1
    assert Organisation.objects.filter(is_national_transfer_agency=True).exists()
    assert Organisation.objects.filter(is_sme=True, is_tech_enterprise=True).exists()


@pytest.mark.django_db
def test_demo_keyword_finds_published_achievement_in_hall():
    demo.load_demo(size=SMALL)
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED).order_by("id")
    pairs = [(a.id, k) for a in published for k in a.keywords if query_tokens(k)][:10]

    assert len(pairs) == 10
    for achievement_id, keyword in pairs:
        found = set(achievement_hall(HallQuery(q=keyword)).values_list("id", flat=True))
        assert achievement_id in found, keyword


@pytest.mark.django_db
def test_demo_every_keyword_finds_its_published_achievement():
    demo.load_demo(size=SMALL)
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED)

    missed = [
        k
        for a in published
        for k in a.keywords
        if a.id not in set(achievement_hall(HallQuery(q=k)).values_list("id", flat=True))
    ]
    assert missed == []


@pytest.mark.django_db
def test_demo_bulk_rows_are_indexed_like_service_rows():
    demo.load_demo(size=SMALL)

    assert not Achievement.objects.filter(search_text="").exists()
    assert Achievement.objects.filter(created_by__isnull=False).exists()
    assert AuditEntry.objects.filter(action="achievement.publish").exists()
    assert AuditEntry.objects.filter(action="achievement.return").exists()
    assert audit_verify() is None


@pytest.mark.django_db
def test_demo_second_run_changes_nothing():
    demo.load_demo(size=SMALL)
    counts = (
        Organisation.objects.count(),
        get_user_model().objects.count(),
        Achievement.objects.count(),
        Announcement.objects.count(),
        AuditEntry.objects.count(),
    )

    result = demo.load_demo(size=SMALL)

    assert result.loaded is False
    assert counts == (
        Organisation.objects.count(),
        get_user_model().objects.count(),
        Achievement.objects.count(),
        Announcement.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_demo_reset_reloads_the_same_data():
    demo.load_demo(size=SMALL)
    titles = sorted(Achievement.objects.values_list("title", flat=True))
    organisations = Organisation.objects.count()

    result = demo.load_demo(size=SMALL, reset=True)

    assert result.loaded is True
    assert sorted(Achievement.objects.values_list("title", flat=True)) == titles
    # The demo's own, the government bodies and the registrars; nothing left over or doubled.
    assert organisations >= (
        len(demo.ORGS) + len(demo.SIGN_UPS) + len(demo_government.GOVERNMENT_ORGS)
    )
    assert Organisation.objects.count() == organisations
    assert audit_verify() is None


@pytest.mark.django_db
def test_demo_without_shared_data_uses_builtin_texts(tmp_path):
    result = demo.load_demo(size=SMALL, data_dir=tmp_path)

    assert result.used_builtin_texts is True
    # The planned records, besides a disclosure the unit accepted into a draft.
    assert Achievement.objects.filter(disclosure__isnull=True).count() == SMALL
    assert _values(Achievement.objects, "ip_type") == set(IpType.values)


@pytest.mark.django_db
def test_demo_has_government_as_it_is_organised():
    demo.load_demo(size=SMALL)
    users = {u.username: u for u in get_user_model().objects.all()}

    bureaus = Organisation.objects.filter(org_type="prefecture_bureau")
    assert sorted(bureaus.values_list("prefecture", flat=True)) == sorted(PREFECTURES)
    assert users["dept_reviewer"].is_reviewer
    for name in ("km_reviewer", "qj_reviewer", "edu_reviewer", "finance_reviewer"):
        assert not users[name].is_reviewer, name
    ynu = Organisation.objects.get(name="云南大学")
    assert ynu.supervisor is not None
    assert ynu.supervisor.name == "云南省教育厅"
    assert Organisation.objects.get(name="云南白药集团股份有限公司").supervisor.name == (
        "云南省人民政府国有资产监督管理委员会"
    )
    again = demo_government.demo_government(orgs={"ynu": ynu})
    assert again["orgs"]["edu"] == ynu.supervisor


@pytest.mark.django_db
def test_demo_government_accounts_find_work_waiting():
    demo.load_demo(size=SMALL)
    users = {u.username: u for u in get_user_model().objects.all()}

    assert [r.organisation.name for r in reports_to_receive(users["edu_reviewer"])] == ["云南大学"]
    assert list(reports_to_receive(users["health_reviewer"])) == []
    assert SupervisorChange.objects.filter(status="pending").count() == 1
