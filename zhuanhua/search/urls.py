from django.urls import path

from zhuanhua.search import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("achievements/<int:pk>/needs/", views.achievement_needs, name="achievement_needs"),
]
