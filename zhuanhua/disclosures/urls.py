from django.urls import path

from zhuanhua.disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.edit, name="create"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
