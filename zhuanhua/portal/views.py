"""Home, the workbench and an organisation's public profile: pages that gather several apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import achievement_cards, status_counts
from zhuanhua.core.models import Announcement
from zhuanhua.organisations.choices import OrganisationStatus
from zhuanhua.organisations.models import Organisation
from zhuanhua.portal import menus, todo


def home(request: HttpRequest) -> HttpResponse:
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED)
    by_type = dict(published.values_list("ip_type").annotate(n=Count("id")).order_by())
    context = {
        "count_published": published.count(),
        "count_organisations": Organisation.objects.filter(
            status=OrganisationStatus.APPROVED
        ).count(),
        "count_untransferred": published.filter(transfer_status="untransferred").count(),
        "by_type": by_type,
        "newest": achievement_cards(published.order_by("-published_at", "-id")[:8]),
        "notices": Announcement.objects.filter(is_public=True).order_by("-published_on", "-id")[:6],
    }
    return render(request, "core/home.html", context)


@login_required
def workbench(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {
        "waiting": todo.waiting_for(user, timezone.localdate()),
        "jobs": menus.workbench_jobs(user),
        "is_unit": menus.in_research_unit(user),
    }
    if user.organisation_id is not None and menus.in_research_unit(user):
        # Only the listed columns: a unit with ten thousand records must not pull their texts.
        mine = Achievement.objects.filter(owner_id=user.organisation_id)
        drafts = mine.filter(status=AchievementStatus.DRAFT).order_by("-updated_at")
        context["drafts"] = drafts.only("id", "title")[:20]
        context["returned"] = drafts.exclude(return_reason="").only("id", "title", "return_reason")[
            :20
        ]
        counts = status_counts(user.organisation_id)
        context["submitted_count"] = counts.get(AchievementStatus.SUBMITTED, 0)
        context["mine_counts"] = {
            label: counts.get(value, 0) for value, label in AchievementStatus.choices
        }
        context["recent"] = mine.order_by("-updated_at").only(
            "id", "title", "status", "updated_at"
        )[:10]
    if user.is_reviewer:
        context["review_queue"] = (
            Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
            .select_related("owner")
            .only("id", "title", "submitted_at", "owner__name")
            .order_by("submitted_at")[:50]
        )
        context["pending_orgs_count"] = Organisation.objects.filter(
            status=OrganisationStatus.PENDING
        ).count()
    return render(request, "core/workbench.html", context)


def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """A home-page notice's text (issue 21.5: the home page's notices are links to it)."""
    notice = get_object_or_404(Announcement.objects.filter(is_public=True), pk=pk)
    return render(request, "core/announcement.html", {"notice": notice})


def organisation_profile(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.filter(status=OrganisationStatus.APPROVED), pk=pk)
    achievements = achievement_cards(
        org.achievements.filter(status="published").order_by("-published_at")[:50]
    )
    return render(request, "organisations/profile.html", {"org": org, "achievements": achievements})
