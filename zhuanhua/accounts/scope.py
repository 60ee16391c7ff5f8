"""Who a government reviewer acts for: the one source of truth for reviewer scope (issue 24).

A department reviewer (``Role.DEPARTMENT_REVIEWER``) acts within the organisation they belong to:

- in the provincial department of science and technology (``OrganisationType.DEPARTMENT``, 省科技厅):
  province-wide — this is what ``User.is_reviewer`` means, and every existing "reviewer" check;
- in a supervising department (主管部门: 教育厅、卫生健康委 …): only the units whose
  ``Organisation.supervisor`` is that department (``supervised_org_ids``) — their transfer reports,
  exemption dossiers and credit referrals;
- in a prefecture bureau (州（市）科技局): only its prefecture (``prefecture_scope``);
- in the finance department (财政厅): settlement sign-off (``is_finance_reviewer``).

A platform admin counts as a provincial reviewer. None of the scoped reviewers is ``is_reviewer``:
a role in a prefecture bureau never grants province-wide powers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.organisations.choices import OrganisationType
from zhuanhua.organisations.models import Organisation


def _reviewer_org_type(user: User) -> str | None:
    """The kind of government organisation the user reviews for, or None."""
    if not user.is_active or not user.has_role(Role.DEPARTMENT_REVIEWER):
        return None
    org = user.organisation
    return org.org_type if org is not None else None


def is_provincial_reviewer(user: User) -> bool:
    """A department reviewer of the provincial department (省科技厅), or a platform admin."""
    return user.is_reviewer


def is_supervising_reviewer(user: User) -> bool:
    """A reviewer of a supervising department (主管部门)."""
    return _reviewer_org_type(user) == OrganisationType.SUPERVISING_DEPARTMENT


def is_prefecture_reviewer(user: User) -> bool:
    """A reviewer of a prefecture bureau (州（市）科技局)."""
    return _reviewer_org_type(user) == OrganisationType.PREFECTURE_BUREAU


def is_finance_reviewer(user: User) -> bool:
    """A reviewer of the finance department (财政厅): signs off settlement lists."""
    return _reviewer_org_type(user) == OrganisationType.FINANCE_DEPARTMENT


def supervised_org_ids(user: User) -> QuerySet[Organisation, int]:
    """Ids of the units whose supervising department is the user's organisation (empty unless
    the user is a supervising department's reviewer). A subquery: use with ``__in``."""
    if not is_supervising_reviewer(user):
        return Organisation.objects.none().values_list("pk", flat=True)
    return Organisation.objects.filter(supervisor_id=user.organisation_id).values_list(
        "pk", flat=True
    )


def prefecture_scope(user: User) -> str | None:
    """The prefecture code a bureau's reviewer acts for, or None (not a bureau reviewer)."""
    if not is_prefecture_reviewer(user):
        return None
    assert user.organisation is not None
    return user.organisation.prefecture


def supervisor_of(unit: Organisation) -> Organisation | None:
    """Where a unit reports and files: its supervising department, or None for the provincial
    department (a unit that names none reports straight to 省科技厅)."""
    return unit.supervisor


def unit_scope_q(user: User, field: str) -> Q | None:
    """The filter a unit-owned queue takes for this reviewer: None = everything (provincial
    reviewer), a Q on ``<field>__in`` supervised units for a supervising department, and a Q that
    matches nothing for anyone else. ``field`` names the unit foreign key (e.g. ``"unit"``)."""
    if is_provincial_reviewer(user):
        return None
    if is_supervising_reviewer(user):
        return Q(**{f"{field}__in": supervised_org_ids(user)})
    return Q(pk__in=[])


def may_review_unit(user: User, unit_id: int | None) -> bool:
    """A provincial reviewer reviews every unit; a supervising department only its own units."""
    if is_provincial_reviewer(user):
        return True
    if unit_id is None or not is_supervising_reviewer(user):
        return False
    return Organisation.objects.filter(pk=unit_id, supervisor_id=user.organisation_id).exists()


def reviewers_for_unit(unit: Organisation) -> QuerySet[User]:
    """Who receives a unit's report, dossier or referral: its supervising department's reviewers,
    or — with no supervisor — the provincial department's."""
    people = User.objects.filter(is_active=True)
    if unit.supervisor_id is not None:
        people = people.filter(organisation_id=unit.supervisor_id)
    else:
        people = people.filter(organisation__org_type=OrganisationType.DEPARTMENT)
    ids = [u.pk for u in people if u.has_role(Role.DEPARTMENT_REVIEWER)]
    return User.objects.filter(pk__in=ids).order_by("pk")
