from django.urls import path

from zhuanhua.achievements import consent_views, excel_views, views

app_name = "achievements"
urlpatterns = [
    path("", views.hall, name="hall"),
    path("new/", views.edit, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("consent/", consent_views.consent_mine, name="consent_mine"),
    path("consent/<int:pk>/", consent_views.consent_answer, name="consent_answer"),
    path("<int:pk>/consent/<str:purpose>/", consent_views.consent_page, name="consent"),
    path("<int:pk>/<str:action>/", views.transition, name="transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("import/", excel_views.import_view, name="import"),
    path("import/template.xlsx", excel_views.template_view, name="import_template"),
    path("import/jobs/<uuid:job_id>/", excel_views.import_job_view, name="import_job"),
    path("export.xlsx", excel_views.export_view, name="export"),
]
