from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(create_search_index, sender=self)


def create_search_index(**kwargs):
    """A new archive gets its empty search index with its tables (web requests never create one)."""
    from articles.search import backend  # the search package reads settings: not at app loading

    backend().create_if_absent()
