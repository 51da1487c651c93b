from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "Frequently asked questions"

    def ready(self):
        from .models import Category, Question, Review, Synonym, forget_recent_content_version
        from .search import refresh_search_words_after_change

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
