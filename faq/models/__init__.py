"""The FAQ's models, in three modules: what the public sees and finds (``querysets``), the
questions themselves with their reviews (``questions``), and what readers tell the FAQ
(``feedback``)."""

from .feedback import (
    ClientHourCount,
    Feedback,
    Language,
    MissedSearch,
    QuestionHelpfulness,
    SearchWord,
    Synonym,
    Vote,
)
from .querysets import (
    FOLD_FUNCTION,
    SEARCH_VECTORS,
    TO_DECIDE_MARKER,
    TO_DECIDE_MESSAGE,
    QuestionQuerySet,
    ReviewStatus,
    content_languages,
    fold_for_search,
    localized,
    months_before,
    review_cutoff,
)
from .questions import (
    RECENT_VERSION_SECONDS,
    VERSION_EXCLUDED_FIELDS,
    Category,
    Question,
    Review,
    content_version,
    forget_recent_content_version,
    recent_content_version,
    text_hash,
)

__all__ = [
    "FOLD_FUNCTION",
    "RECENT_VERSION_SECONDS",
    "SEARCH_VECTORS",
    "TO_DECIDE_MARKER",
    "TO_DECIDE_MESSAGE",
    "VERSION_EXCLUDED_FIELDS",
    "Category",
    "ClientHourCount",
    "Feedback",
    "Language",
    "MissedSearch",
    "Question",
    "QuestionHelpfulness",
    "QuestionQuerySet",
    "Review",
    "ReviewStatus",
    "SearchWord",
    "Synonym",
    "Vote",
    "content_languages",
    "content_version",
    "fold_for_search",
    "forget_recent_content_version",
    "localized",
    "months_before",
    "recent_content_version",
    "review_cutoff",
    "text_hash",
]
