from django.urls import path

from zhuanhua.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_record, name="record"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/appeal/", views.appeal_decide, name="appeal"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
