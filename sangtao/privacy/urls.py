from django.urls import path

from sangtao.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.notices, name="notices"),
    path("notices/<slug:key>/", views.notice, name="notice"),
    path("mine/", views.my_data, name="mine"),
    path("reads/", views.read_log, name="read_log"),
    path("mine/consent/<slug:key>/", views.consent, name="consent"),
    path("mine/export/", views.export_request, name="export"),
    path("mine/export/<int:pk>/", views.export_download, name="export_download"),
    path("mine/delete/", views.delete_account, name="delete"),
    path("mine/restrict/", views.restrict, name="restrict"),
    path("restrictions/", views.restrictions, name="restrictions"),
    path("restrictions/<int:pk>/lift/", views.restriction_lift, name="restriction_lift"),
]
