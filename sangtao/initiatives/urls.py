from django.urls import path

from sangtao.initiatives import opendata, views

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", views.dashboard, name="dashboard"),
    path("initiatives/mine/", views.mine, name="mine"),
    path("initiatives/new/", views.edit, name="new"),
    path("initiatives/<int:pk>/", views.detail, name="detail"),
    path("initiatives/<int:pk>/edit/", views.edit, name="edit"),
    path("initiatives/<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("initiatives/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("initiatives/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("initiatives/<int:pk>/national-package.zip", views.package, name="package"),
    path("initiatives/councils/", views.councils, name="councils"),
    path("initiatives/council/<int:pk>/", views.council, name="council"),
    path("initiatives/council/<int:pk>/do/<slug:action>/", views.council_act, name="council_act"),
    path("initiatives/council/<int:pk>/decision.pdf", views.decision, name="decision"),
    path("initiatives/council/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("initiatives/register/", views.public_register, name="register"),
    path("initiatives/register/<int:pk>/", views.public_detail, name="public_detail"),
    path("initiatives/people/<int:user_pk>/", views.person, name="person"),
    path("initiatives/feed.atom", opendata.InitiativeFeed(), name="feed"),
    path("open-data/initiatives.csv", opendata.open_data_csv, name="open_data_csv"),
    path("open-data/initiatives.json", opendata.open_data_json, name="open_data_json"),
]
