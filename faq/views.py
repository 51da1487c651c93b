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
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page

from clinic.context_processors import languages

from .forms import SearchForm
from .models import Category, Question, content_version, recent_content_version

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
        "inLanguage": get_language(),
        "mainEntity": [
            {
                "@type": "Question",
                "name": question.question,
                "acceptedAnswer": {"@type": "Answer", "text": question.answer_html},
            }
            for question in questions
        ],
    }
    # UTF-8 as it is: an escaped "ó" (\u00f3) would cost six bytes instead of two.
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
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
                get_language(),
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
        matches = (
            Question.objects.published().search(terms, get_language()).select_related("category")
        )
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
    """Every published question by category in the page's language, rendered once per version
    of the content and language.

    Outside English, the questions not yet written in that language follow in a short list of
    links to their English answers. The cached HTML serves the visitors whose page is not shared
    (signed-in staff, for one).
    """
    language = get_language()
    key = f"faq:list:{language}:{content_version()}"
    cached = cache.get(key)
    if cached is None:
        categories = list(
            Category.objects.filter(questions__is_published=True)
            .distinct()
            .prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.published(),
                    to_attr="all_questions",
                )
            )
        )
        english_only = []
        for category in categories:
            category.published_questions = []
            for question in category.all_questions:
                if question.has_text_in(language):
                    category.published_questions.append(question)
                else:
                    english_only.append(question)
        categories = [category for category in categories if category.published_questions]
        visible = [question for category in categories for question in category.published_questions]
        with translation.override(settings.LANGUAGE_CODE):
            english_only = [
                {"question": question.question, "url": question.get_absolute_url()}
                for question in english_only
            ]
        cached = {
            "categories_html": render_to_string(
                "faq/_categories.html",
                {"categories": categories, "english_only": english_only},
            ),
            "json_ld": faq_page_json_ld(visible),
        }
        cache.set(key, cached, timeout=CACHE_SECONDS)
    return cached


@shared_page_cache
@gzip_page
def question_detail(request, slug):
    """One answer. Asked for in a language it is not written in yet: its English page."""
    question = get_object_or_404(Question.objects.published().select_related("category"), slug=slug)
    if not question.has_text_in(get_language()):
        with translation.override(settings.LANGUAGE_CODE):
            return redirect(question)
    language_links = [
        link for link in languages(request)["language_links"] if question.has_text_in(link["code"])
    ]
    return render(
        request,
        "faq/question_detail.html",
        {
            "question": question,
            "json_ld": faq_page_json_ld([question]),
            "language_links": language_links,
        },
    )
