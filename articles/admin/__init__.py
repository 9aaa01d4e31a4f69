"""Curation in the Django admin: articles, people, topics, sources and the ingest records.

Every change reaches the search index right after the commit: saves queue their article once the
related objects (people, topics) are saved, and deletes, merges, rejects and bulk actions queue
every article they touched. Merges, rejects and bulk actions are written to the admin history.
The heavy lifting is in articles.curation; these modules are forms, lists and messages.
"""

from django.contrib import admin

from articles.admin import articles, ingest, people, topics  # noqa: F401  (they register the models)

admin.site.site_header = "Archive curation"
admin.site.site_title = "Archive curation"
admin.site.index_title = "Curate the archive"
# The admin's menu beside every page left the lists too narrow at 1280 px (a topic list lost its
# last columns, article titles wrapped to four lines); the breadcrumbs and the index lead there.
admin.site.enable_nav_sidebar = False
