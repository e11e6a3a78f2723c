from django.urls import path

from sangtao.knowledge import opendata, views

app_name = "knowledge"

urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/do/<slug:action>/", views.case_act, name="case_act"),
    path("cases/<int:pk>/oecd.json", views.case_oecd, name="case_oecd"),
    path("cases/<int:pk>/oecd.pdf", views.case_oecd_pdf, name="case_oecd_pdf"),
    path("cases/feed.atom", opendata.CaseFeed(), name="feed"),
    path("open-data/cases.csv", opendata.open_data_csv, name="open_data_csv"),
    path("open-data/cases.json", opendata.open_data_json, name="open_data_json"),
    path("knowledge/lessons/", views.lesson_list, name="lessons"),
    path("knowledge/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("knowledge/lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("knowledge/reviews/<slug:kind>/<int:pk>/", views.review, name="review"),
    path("knowledge/adoptions/", views.adoption_list, name="adoptions"),
    path("knowledge/adoptions/<int:pk>/", views.adoption_detail, name="adoption"),
    path("knowledge/adoptions/<int:pk>/do/<slug:action>/", views.adoption_act, name="adoption_act"),
    path("knowledge/library/", views.library, name="library"),
    path("knowledge/library/new/", views.resource_new, name="resource_new"),
    path("knowledge/library/<int:pk>/", views.resource_detail, name="resource"),
    path("knowledge/library/<int:pk>/files/<int:version_id>/", views.resource_file, name="resource_file"),
]
