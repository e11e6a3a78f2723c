from django.urls import path

from sangtao.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("outcomes/", views.dashboard, name="dashboard"),
    path("outcomes/counts.csv", views.dashboard_csv, name="dashboard_csv"),
    path("challenges/<int:pk>/measurements/", views.measurement_add, name="measure"),
    path("challenges/<int:pk>/measurements/import/", views.measurement_import, name="measure_import"),
    path("challenges/<int:pk>/outcome.csv", views.outcome_csv, name="outcome_csv"),
    path("challenges/<int:pk>/outcome.xlsx", views.outcome_xlsx, name="outcome_xlsx"),
    path("challenges/<int:pk>/outcome-report.pdf", views.outcome_report, name="outcome_report"),
]
