from django.urls import path

from sangtao.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.portfolio, name="portfolio"),
    path("challenges/<int:challenge_pk>/project/new/", views.create, name="create"),
    path("projects/<int:pk>/", views.detail, name="detail"),
    path("projects/<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("projects/<int:pk>/acceptance-minutes.pdf", views.minutes, name="minutes"),
    path("projects/<int:pk>/documents/<int:document_id>/", views.document, name="document"),
]
