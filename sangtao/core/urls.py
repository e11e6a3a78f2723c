from django.urls import path

from sangtao.core import views

urlpatterns = [
    path("jobs/<uuid:pk>/", views.job, name="job"),
    path("jobs/<uuid:pk>/progress.json", views.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/result/", views.job_result, name="job_result"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="job_retry"),
]
