from django.urls import path

from zhuanhua.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.hall, name="hall"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transition/<str:action>/", views.transition, name="transition"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path(
        "<int:pk>/matches/<int:achievement_pk>/inquiry/", views.match_inquiry, name="match_inquiry"
    ),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/messages/", views.response_message, name="response_message"),
    path("responses/<int:pk>/inquiry/", views.response_inquiry, name="response_inquiry"),
]
