from django.urls import path

from sangtao.capacity import views

app_name = "capacity"

urlpatterns = [
    path("capacity/", views.index, name="index"),
    path("capacity/rounds/<int:pk>/", views.round_detail, name="round"),
    path("capacity/rounds/<int:pk>/move/<slug:move>/", views.round_move, name="move"),
    path("capacity/rounds/<int:pk>/remind/", views.round_remind, name="remind"),
    path("capacity/benchmark/", views.benchmark, name="benchmark"),
    path("capacity/benchmark.csv", views.benchmark_csv, name="benchmark_csv"),
    path("capacity/benchmark.xlsx", views.benchmark_xlsx, name="benchmark_xlsx"),
    path("capacity/units/<int:pk>/", views.unit_detail, name="unit"),
    path("capacity/impact/", views.impact_list, name="impacts"),
    path("capacity/impact/<int:pk>/", views.impact_detail, name="impact"),
    path("capacity/portfolio/", views.portfolio, name="portfolio"),
    path("capacity/portfolio.xlsx", views.portfolio_xlsx, name="portfolio_xlsx"),
    path("capacity/answer/<str:token>/", views.answer, name="answer"),
    path("capacity/answer/<str:token>/thanks/", views.thanks, name="thanks"),
]
