"""REST API routes under /api/ (issue: REST API)."""

urlpatterns: list = []
