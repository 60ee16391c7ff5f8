from django.urls import path

from zhuanhua.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("health/", views.health, name="health"),
]
