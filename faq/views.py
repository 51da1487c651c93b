import hashlib
import json
import re
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.gzip import gzip_page

from .forms import SearchForm
from .markdown import render_markdown
from .models import Category, Question, content_version, recent_content_version, text_hash

# Cached FAQ pages are keyed on content_version(): old versions are never read again and only
# need to expire eventually.
CACHE_SECONDS = 24 * 60 * 60
SEARCH_RESULTS = 20
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
JSON_SCRIPT_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}


def faq_page_json_ld(questions):
    """A schema.org FAQPage describing exactly the given questions, safe inside <script>."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question.question,
                "acceptedAnswer": {"@type": "Answer", "text": question.answer_html},
            }
            for question in questions
        ],
    }
    return script_safe_json(data)


def medical_web_page_json_ld(question, url):
    """A schema.org MedicalWebPage saying who reviewed the answer and when, as the page shows it.

    Only for an answer whose current wording was reviewed; None otherwise.
    """
    review = question.current_review
    if review is None:
        return None
    reviewer = {"@type": "Person", "name": review.reviewer_name}
    if review.reviewer_credentials:
        reviewer["honorificSuffix"] = review.reviewer_credentials
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": question.question,
        "url": url,
        "lastReviewed": timezone.localdate(review.reviewed_at).isoformat(),
        "reviewedBy": reviewer,
    }
    return script_safe_json(data)


def script_safe_json(data):
    text = json.dumps(data, cls=DjangoJSONEncoder)
    # str.replace is many times faster than str.translate on a long page.
    for character, escape in JSON_SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def is_shared_page(request):
    """A GET with no query string but a search, from a visitor with no session or messages.

    Such a visitor gets exactly the page every other such visitor asking the same gets.
    """
    return (
        request.method == "GET"
        and set(request.GET) <= {"q"}
        and len(request.GET.getlist("q")) <= 1
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def shared_page_cache(view):
    """Serve shared FAQ pages from the cache, per content version, usually with no query at all.

    An edit changes the content version: this process shows it on its next request, every other
    process and server within RECENT_VERSION_SECONDS (one second). Repeated searches are cached
    too (the cache holds a bounded number of entries). Signed-in staff and visitors with
    messages always get a freshly rendered page.
    """

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not is_shared_page(request):
            return view(request, *args, **kwargs)
        encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")) else ""
        page = "|".join(
            [
                recent_content_version(),
                request.scheme,
                request.get_host(),
                request.path,
                request.GET.get("q", ""),
                encoding,
            ]
        )
        key = "faq:page:" + hashlib.md5(page.encode(), usedforsecurity=False).hexdigest()
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            # Never share a page carrying something of this request's: a CSRF token, a nonce.
            private = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or get_nonce(request)
            if response.status_code == 200 and not response.cookies and not private:
                cache.set(key, response, timeout=CACHE_SECONDS)
        patch_vary_headers(response, ["Cookie"])
        return response

    return cached_view


@shared_page_cache
@gzip_page
def question_list(request):
    """All questions by category, or the results of a search."""
    form = SearchForm(request.GET)
    terms = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "terms": terms}
    if terms:
        # The best matches only: the page stays the same size however many questions match.
        matches = Question.objects.published().search(terms).select_related("category", "review")
        results = list(matches.defer("search_vector")[: SEARCH_RESULTS + 1])
        context.update(
            results=results[:SEARCH_RESULTS],
            more_results=len(results) > SEARCH_RESULTS,
            json_ld=faq_page_json_ld(results[:SEARCH_RESULTS]),
        )
    else:
        context.update(full_list())
    return render(request, "faq/question_list.html", context)


def full_list():
    """Every published question by category, rendered once per version of the content.

    The cached HTML serves the visitors whose page is not shared (signed-in staff, for one).
    """
    now = timezone.now()
    key = f"faq:list:{content_version(now)}"
    cached = cache.get(key)
    if cached is None:
        categories = list(
            Category.objects.filter(questions__in=Question.objects.visible(now))
            .distinct()
            .prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.visible(now).select_related("review"),
                    to_attr="published_questions",
                )
            )
        )
        visible = [question for category in categories for question in category.published_questions]
        cached = {
            "categories_html": render_to_string("faq/_categories.html", {"categories": categories}),
            "json_ld": faq_page_json_ld(visible),
        }
        cache.set(key, cached, timeout=CACHE_SECONDS)
    return cached


@shared_page_cache
@gzip_page
def question_detail(request, slug):
    question = get_object_or_404(
        Question.objects.published().select_related("category", "review"), slug=slug
    )
    return render(
        request,
        "faq/question_detail.html",
        {
            "question": question,
            "json_ld": faq_page_json_ld([question]),
            "medical_json_ld": medical_web_page_json_ld(
                question, request.build_absolute_uri(question.get_absolute_url())
            ),
        },
    )


def render_preview(request, data, *, existing=None):
    """The question page for unsaved editor input, through the same template and sanitiser.

    Nothing is saved and nothing enters the page cache; the caller is staff-only.
    """
    question = Question(
        pk=existing.pk if existing else None,
        question=data.get("question", "").strip() or "(no question yet)",
        slug=data.get("slug", "").strip() or (existing.slug if existing else "preview"),
        answer=data.get("answer", ""),
    )
    question.category = Category.objects.filter(pk=data.get("category") or None).first() or (
        Category(name="(no category yet)", slug="preview")
    )
    question.answer_html = render_markdown(question.answer)
    question.content_hash = text_hash(question.question, question.answer)
    if existing is not None and hasattr(existing, "review"):
        question.review = existing.review
    response = render(
        request,
        "faq/question_detail.html",
        {"question": question, "json_ld": faq_page_json_ld([question]), "preview": True},
    )
    response["X-Robots-Tag"] = "noindex"
    return response
