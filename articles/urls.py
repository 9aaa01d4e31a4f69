"""The archive's public pages: search, article, person and topic pages, the JSON API and feeds."""

from django.urls import path

from articles import api, export, views
from articles.feeds import SearchFeed

urlpatterns = [
    path("", views.search, name="search"),
    path("facets/<str:name>/", views.facet_values, name="facet_values"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("export.csv", export.csv_export, name="export_csv"),
    path("feed.atom", SearchFeed(), name="feed"),
    path("api/search", api.search, name="api_search"),
    path("api/articles/<int:pk>", api.article, name="api_article"),
]
