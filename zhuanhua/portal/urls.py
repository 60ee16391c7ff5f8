from django.urls import path

from zhuanhua.core.views import health
from zhuanhua.portal import jobs_views, views

# The namespace stays "core": {% url "core:home" %} and the other names are public and unchanged.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("notices/<int:pk>/", views.announcement, name="announcement"),
    path("health/", health, name="health"),
    path("jobs/", jobs_views.jobs_admin, name="jobs"),
    path("jobs/start/", jobs_views.job_start, name="job_start"),
    path("jobs/<uuid:job_id>/", jobs_views.job_view, name="job"),
    path("jobs/<uuid:job_id>/file/", jobs_views.job_file, name="job_file"),
]
