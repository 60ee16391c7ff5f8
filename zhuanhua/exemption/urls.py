from django.urls import path

from zhuanhua.exemption import views

app_name = "exemption"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("rules/", views.rules_list, name="rules"),
    path("rules/<int:pk>/adopt/", views.rules_adopt, name="rules_adopt"),
    path("rules/<int:pk>/publicise/", views.rules_publicise, name="rules_publicise"),
    path("rules/<int:pk>/file/", views.rules_file, name="rules_file"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/persons/", views.person_add, name="person_add"),
    path("<int:pk>/records/", views.record_add, name="record_add"),
    path("<int:pk>/minutes/", views.minutes_add, name="minutes_add"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/publicise/", views.publicise, name="publicise"),
    path("<int:pk>/objections/<int:objection_pk>/review/", views.review, name="review"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/effects/", views.effects, name="effects"),
    path("<int:pk>/dossier.pdf", views.dossier, name="dossier"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/decide/", views.person_decide, name="person_decide"),
    path("records/<int:pk>/file/", views.record_file, name="record_file"),
]
