from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("zhicheng.api_urls")),
    path("", include("zhicheng.web_urls")),
]
