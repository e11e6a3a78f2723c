from django.urls import path

from sangtao.surveys import views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_create, name="create"),
    path("surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("surveys/<int:pk>/imports/", views.import_upload, name="import_upload"),
    path("surveys/<int:pk>/imports/<int:job_id>/", views.import_status, name="import"),
    path("surveys/<int:pk>/imports/<int:job_id>/errors.csv", views.import_errors, name="import_errors"),
    path("surveys/<int:pk>/imports/<int:job_id>/progress.json", views.import_progress, name="import_progress"),
    path("surveys/<int:pk>/imports/<int:job_id>/retry/", views.import_retry, name="import_retry"),
    path("surveys/<int:pk>/responses/export/", views.responses_export, name="responses_export"),
    path("surveys/<int:pk>/tokens/", views.tokens_issue, name="tokens"),
    path("surveys/<int:pk>/responses.csv", views.responses_csv, name="responses_csv"),
    path("surveys/<int:pk>/comments/", views.comments, name="comments"),
    path("surveys/<int:pk>/indices.csv", views.indices_csv, name="indices_csv"),
    path("surveys/<int:pk>/indices.xlsx", views.indices_xlsx, name="indices_xlsx"),
    path("surveys/instruments/<int:version_id>/", views.instrument, name="instrument"),
    path("s/<slug:slug>/", views.respond, name="respond"),
    path("s/<slug:slug>/thanks/", views.thanks, name="thanks"),
]
