from django.urls import path

from zhuanhua.core.views import health
from zhuanhua.portal import views

# The namespace stays "core": {% url "core:home" %} and the other names are public and unchanged.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("notices/<int:pk>/", views.announcement, name="announcement"),
    path("health/", health, name="health"),
]
