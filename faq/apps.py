from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def add_search_functions(sender, connection, **kwargs):
    """SQLite has no accent-insensitive comparison: give each connection the search's folding."""
    if connection.vendor == "sqlite":
        from .models import FOLD_FUNCTION, fold_for_search

        connection.connection.create_function(FOLD_FUNCTION, 1, fold_for_search, deterministic=True)


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = _("Frequently asked questions")

    def ready(self):
        from .models import Category, Question, Review, Synonym, forget_recent_content_version
        from .search import refresh_search_words_after_change

        connection_created.connect(add_search_functions, dispatch_uid="faq-search-functions")
        # Signals rather than save() overrides: they also see the admin's bulk delete.
        for signal in (post_save, post_delete):
            signal.connect(
                refresh_search_words_after_change,
                sender=Question,
                dispatch_uid=f"faq-refresh-search-words-{signal is post_save}",
            )
        for model in (Category, Question, Review, Synonym):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_recent_content_version,
                    sender=model,
                    dispatch_uid=f"faq-forget-version-{model.__name__}",
                )
