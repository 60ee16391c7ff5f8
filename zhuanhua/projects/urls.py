from django.urls import path

from zhuanhua.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/achievements/", views.project_link, name="project_link"),
    path("<int:pk>/duties/", views.duty_add, name="duty_add"),
    path("<int:pk>/accept/", views.project_accept, name="project_accept"),
    path("<int:pk>/post-evaluation/", views.project_post_evaluate, name="project_post_evaluate"),
    path("performance/", views.performance, name="performance"),
    path("performance.xlsx", views.performance_xlsx, name="performance_xlsx"),
    path("performance/units/<int:org_pk>/", views.performance_unit, name="performance_unit"),
    path(
        "performance/units/<int:org_pk>/<str:metric>/",
        views.performance_records_view,
        name="performance_records",
    ),
]
