"""The archive's URLs: the admin, and everything else from the articles app. Errors Django raises
outside a view are answered by articles/errors.py (JSON under /api/)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

handler400 = "articles.errors.bad_request"
handler403 = "articles.errors.forbidden"
handler404 = "articles.errors.not_found"
handler500 = "articles.errors.server_error"
