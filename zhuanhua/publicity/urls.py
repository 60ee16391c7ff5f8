from django.urls import path

from zhuanhua.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_edit, name="create"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    path("<int:pk>/objections/", views.objection_file, name="objection_file"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
