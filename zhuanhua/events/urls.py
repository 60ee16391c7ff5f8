from django.urls import path

from zhuanhua.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/achievements/", views.present, name="present"),
    path("<int:pk>/transition/<str:action>/", views.transition, name="transition"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/meetings/", views.propose, name="propose"),
    path("<int:pk>/intentions/", views.intention, name="intention"),
]
