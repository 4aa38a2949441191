"""Page routes (issue: web workbench)."""

from django.urls import path

from applications import views as application_views

urlpatterns: list = [
    path("materials/<int:pk>/download/", application_views.material_download, name="material-download"),
]
