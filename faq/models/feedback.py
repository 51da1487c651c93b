"""What readers tell the FAQ and what search needs to forgive them: synonyms, the words behind
"Did you mean", votes, notes, searches that found nothing. Nothing here identifies a reader."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField

from .questions import Question


class Language(models.TextChoices):
    """The languages FAQ content can be written in (clinic.languages.PREPARED_LANGUAGES)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    HMONG = "hmn", _("Hmong")
    SOMALI = "so", _("Somali")


class Synonym(models.Model):
    """A word patients use, and the words the answers use for the same thing."""

    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.ENGLISH
    )
    term = models.CharField(
        _("when someone searches for"),
        max_length=60,
        help_text=_("A word or a few words, e.g. “price” or “Spravato”. Capitals do not matter."),
    )
    replacement = models.CharField(
        _("also look for"),
        max_length=120,
        help_text=_("The words our answers use, e.g. “cost” or “esketamine”."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [
            models.UniqueConstraint(
                Lower("term"), "language", name="faq_synonym_unique_term_per_language"
            )
        ]

    def __str__(self):
        return f"{self.term} → {self.replacement}"


class SearchWord(models.Model):
    """A word of a published question or answer, as written: what "Did you mean" can offer."""

    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.ENGLISH
    )
    word = models.CharField(max_length=60)

    class Meta:
        ordering = ["language", "word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "word"], name="faq_searchword_unique_word_per_language"
            )
        ]

    def __str__(self):
        return self.word


class Vote(models.Model):
    """How many readers said an answer helped, or did not, on one day. Nothing about who."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="votes", verbose_name=_("question")
    )
    day = models.DateField(_("day"))
    helpful = models.BooleanField(_("helped"))
    count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        ordering = ["-day", "question"]
        verbose_name = _("vote count")
        verbose_name_plural = _("vote counts")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "day", "helpful"], name="faq_vote_one_counter_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day}: {'yes' if self.helpful else 'no'} × {self.count}"


class ClientHourCount(models.Model):
    """Votes and notes from one client in the current hour, to stop floods.

    The key is a keyed hash of the client's address and the hour: it cannot be turned back into
    the address, nor linked to the same client's key for another hour. Rows of past hours are
    deleted (services.forget_past_hours).
    """

    key = models.CharField(max_length=64, unique=True)
    hour = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hour"]
        verbose_name = _("hourly count")
        verbose_name_plural = _("hourly counts")

    def __str__(self):
        return f"Hourly count #{self.pk}"


class Feedback(models.Model):
    """What a reader hoped to find after saying an answer did not help. Encrypted at rest."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("question")
    )
    text = EncryptedTextField(_("what they hoped to find"))
    day = models.DateField(_("day"), db_index=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("“what were you hoping to find” note")
        verbose_name_plural = _("“what were you hoping to find” notes")

    def __str__(self):
        return f"Note #{self.pk}"


class MissedSearch(models.Model):
    """A search that found nothing: its scrubbed text and how often it was made on one day."""

    text = models.CharField(_("searched for"), max_length=100)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = _("search that found nothing")
        verbose_name_plural = _("What patients looked for and didn't find")
        constraints = [
            models.UniqueConstraint(fields=["text", "day"], name="faq_missedsearch_one_per_day")
        ]

    def __str__(self):
        return self.text


class QuestionHelpfulness(Question):
    """The questions as editors see how helpful readers found them."""

    class Meta:
        proxy = True
        verbose_name = _("answer's helpfulness")
        verbose_name_plural = _("answers' helpfulness")
