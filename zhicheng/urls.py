from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("zhicheng.api_urls")),
    path("", include("zhicheng.web_urls")),
]

# What reaches Django's own handlers (DEBUG off) gets the same Chinese page (zhicheng/error_pages.py).
handler400 = "zhicheng.error_pages.bad_request"
handler403 = "zhicheng.error_pages.permission_denied"
handler404 = "zhicheng.error_pages.page_not_found"
handler500 = "zhicheng.error_pages.server_error"
