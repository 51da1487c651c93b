"""What the public sees and finds: the questions' querysets, search and the rules they share."""

import calendar
import operator
import re
import unicodedata
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

# A point the clinic still has to settle, written into a draft answer. A question holding one
# cannot be published.
TO_DECIDE_MARKER = "[TO DECIDE"
TO_DECIDE_MESSAGE = _(
    "This question still has points marked [TO DECIDE: ...]. Replace each one with the "
    "clinic's answer, then publish it."
)


def localized(field, language):
    """The column holding a translated field in one language: localized("answer", "es")."""
    return build_localized_fieldname(field, language)


def content_languages():
    """Every language FAQ content has columns for (enabled on the site or not yet)."""
    return settings.MODELTRANSLATION_LANGUAGES


class ReviewStatus(models.TextChoices):
    REVIEWED = "reviewed", _("reviewed")
    DUE = "due", _("review due")
    CHANGED = "changed", _("changed since review")
    NEVER = "never", _("never reviewed")


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    days_in_month = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))


def review_cutoff(now=None):
    """Reviews made on or before this moment are due again."""
    return months_before(now or timezone.now(), settings.FAQ_REVIEW_MONTHS)


# Words of five letters or more: what two questions about the same thing usually share.
LONGER_WORD = re.compile(r"[^\W\d_]{5,}")


class QuestionQuerySet(models.QuerySet):
    def visible(self, now=None):
        """What the public sees at `now`: published, and inside its schedule if it has one.

        The one rule for every public view of the questions: list, search, question pages,
        sitemap and structured data.
        """
        now = now or timezone.now()
        return self.filter(
            models.Q(publish_at__isnull=True) | models.Q(publish_at__lte=now),
            models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now),
            is_published=True,
        )

    def published(self):
        return self.visible()

    def with_review_status(self, status, now=None):
        """Questions whose review is in the given ReviewStatus."""
        matches_review = models.Q(review__text_hash=models.F("content_hash"))
        cutoff = review_cutoff(now)
        if status == ReviewStatus.NEVER:
            return self.filter(review__isnull=True)
        if status == ReviewStatus.CHANGED:
            return self.filter(review__isnull=False).exclude(matches_review)
        if status == ReviewStatus.DUE:
            return self.filter(matches_review, review__reviewed_at__lte=cutoff)
        return self.filter(matches_review, review__reviewed_at__gt=cutoff)

    def with_points_to_decide(self):
        return self.filter(
            models.Q(question__contains=TO_DECIDE_MARKER)
            | models.Q(answer__contains=TO_DECIDE_MARKER)
        )

    def search(self, terms, language=None, *, also=()):
        """Questions matching the search terms, or any other wording in `also`, in one
        language (the page's), best first.

        PostgreSQL: full-text search. English and Spanish use a stored, indexed vector kept by
        a trigger (migrations 0003 and 0009); Spanish with unaccent, so a word typed without
        its accents still matches. Other languages use the "simple" configuration on the fly.
        Other databases: every word must appear in the question or the answer, compared without
        case or accents (see fold_for_search).
        """
        language = language or get_language()
        question_field = localized("question", language)
        answer_field = localized("answer", language)
        wordings = [terms, *also]
        if connection.vendor == "postgresql":
            vector_field, config = SEARCH_VECTORS.get(language, (None, "simple"))
            query = reduce(
                operator.or_,
                (SearchQuery(words, search_type="websearch", config=config) for words in wordings),
            )
            matches = self
            if vector_field is None:
                vector_field = "computed_search_vector"
                matches = matches.annotate(
                    computed_search_vector=SearchVector(question_field, weight="A", config=config)
                    + SearchVector(answer_field, weight="B", config=config)
                )
            # Match with @@ (every word must match); rank only orders the matches.
            return (
                matches.filter(**{vector_field: query})
                .annotate(rank=SearchRank(models.F(vector_field), query))
                .order_by("-rank", "position", "pk")
            )
        matches = self.annotate(
            folded_question=models.Func(
                question_field, function=FOLD_FUNCTION, output_field=models.TextField()
            ),
            folded_answer=models.Func(
                answer_field, function=FOLD_FUNCTION, output_field=models.TextField()
            ),
        ).filter(reduce(operator.or_, (every_word_matches(words) for words in wordings)))
        return matches.order_by("category__position", "position", "pk")

    def related_to(self, question, *, limit=3):
        """Up to `limit` other questions: same category first, then the most alike.

        Alike, in the page's language: trigram similarity of the question text on PostgreSQL,
        otherwise the number of the question's longer words the other question's text contains.
        One query.
        """
        question_field = localized("question", get_language())
        if connection.vendor == "postgresql":
            likeness = TrigramSimilarity(question_field, question.question)
        else:
            words = sorted({word.lower() for word in LONGER_WORD.findall(question.question)})
            likeness = sum(
                (
                    models.Case(
                        models.When(**{f"{question_field}__icontains": word}, then=1),
                        default=0,
                    )
                    for word in words[:10]
                ),
                models.Value(0),
            )
        same_category = models.Case(
            models.When(category_id=question.category_id, then=1), default=0
        )
        return (
            self.exclude(pk=question.pk)
            .annotate(same_category=same_category, likeness=likeness)
            .order_by("-same_category", "-likeness", "position", "pk")
            .only("question", "slug")[:limit]
        )


def every_word_matches(terms):
    """Every word of the search in the folded question or answer (SQLite's search)."""
    condition = models.Q()
    for word in fold_for_search(terms).split():
        condition &= models.Q(folded_question__contains=word) | models.Q(
            folded_answer__contains=word
        )
    return condition


# Languages with a stored search vector on PostgreSQL: its column and text search configuration.
SEARCH_VECTORS = {
    "en": ("search_vector", "english"),
    # PostgreSQL's spanish configuration with unaccent before stemming.
    "es": ("search_vector_es", "clinic_spanish"),
}
# A function every SQLite connection gets (FaqConfig.ready): fold_for_search() in SQL.
FOLD_FUNCTION = "clinic_fold"


def fold_for_search(text):
    """Text as search compares it on SQLite: lower case, accents removed ("Medicación" ->
    "medicacion"), so a search typed without accents finds accented words."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
