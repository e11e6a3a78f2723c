from django.urls import path

from sangtao.annual import views

app_name = "annual"

urlpatterns = [
    path("annual/", views.plan_list, name="list"),
    path("annual/new/", views.plan_create, name="create"),
    path("annual/rollup/", views.rollup, name="rollup"),
    path("annual/import/", views.import_plans, name="import"),
    path("annual/evidence/", views.evidence_register, name="evidence_register"),
    path("annual/evidence.csv", views.evidence_register_csv, name="evidence_register_csv"),
    path("annual/evidence.zip", views.evidence_register_zip, name="evidence_register_zip"),
    path("annual/evidence/<int:indicator_pk>/", views.evidence_indicator, name="evidence_indicator"),
    path("annual/advice/", views.advice_list, name="advice_list"),
    path("annual/advice/new/", views.advice_new, name="advice_new"),
    path("annual/advice/<int:pk>/", views.advice_detail, name="advice"),
    path("annual/advice/<int:pk>/move/<slug:move>/", views.advice_move, name="advice_move"),
    path("annual/working-groups/<int:unit_pk>/", views.working_group, name="working_group"),
    path("annual/working-groups/<int:unit_pk>/edit/", views.working_group_edit, name="working_group_edit"),
    path("annual/import/template.xlsx", views.import_template, name="import_template"),
    path("annual/city-reports/new/", views.city_report_request, name="city_report_request"),
    path("annual/city-reports/<int:report_pk>/", views.city_report, name="city_report"),
    path("annual/city-reports/<int:report_pk>/file.<slug:kind>", views.city_report_file, name="city_report_file"),
    path("annual/<int:pk>/", views.plan_detail, name="detail"),
    path("annual/<int:pk>/history/", views.plan_history, name="history"),
    path("annual/<int:pk>/tasks/new/", views.task_edit, name="task_new"),
    path("annual/<int:pk>/tasks/<int:task_pk>/", views.task_edit, name="task_edit"),
    path("annual/<int:pk>/tasks/<int:task_pk>/delete/", views.task_delete, name="task_delete"),
    path("annual/<int:pk>/move/<slug:move>/", views.plan_move, name="move"),
    path("annual/<int:pk>/reports/start/<int:period_pk>/", views.report_start, name="report_start"),
    path("annual/<int:pk>/reports/<int:report_pk>/", views.report_detail, name="report"),
    path("annual/<int:pk>/reports/<int:report_pk>/move/<slug:move>/", views.report_move, name="report_move"),
    path("annual/<int:pk>/reports/<int:report_pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("annual/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
]
