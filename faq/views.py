import json
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.gzip import gzip_page

from .forms import SearchForm
from .models import Category, Question, content_version

# Cached FAQ pages are keyed on content_version(): old versions are never read again and only
# need to expire eventually.
LIST_CACHE_SECONDS = 24 * 60 * 60
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


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
    return json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)


def question_list(request):
    """All questions by category, or the results of a search.

    The full list is the same for every visitor without a session, so its finished
    (compressed) response is cached per content version: one small query per request.
    """
    if not is_shared_page(request):
        return faq_page(request)
    accepts_gzip = bool(ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")))
    key = (
        f"faq:page:{content_version()}:{request.scheme}:{request.get_host()}:"
        f"{'gzip' if accepts_gzip else 'identity'}"
    )
    response = cache.get(key)
    if response is None:
        response = faq_page(request)
        # Never share a page that carries something of this request's: a CSRF token, a nonce.
        if not (request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or get_nonce(request)):
            cache.set(key, response, timeout=LIST_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response


def is_shared_page(request):
    """The plain list (no search, no query string) for a visitor with no session or messages."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


@gzip_page
def faq_page(request):
    form = SearchForm(request.GET)
    terms = form.cleaned_data["q"] if form.is_valid() else ""
    published = Question.objects.published()
    context = {"form": form, "terms": terms}
    if terms:
        results = list(published.search(terms).select_related("category"))
        context.update(results=results, json_ld=faq_page_json_ld(results))
    else:
        context.update(full_list())
    return render(request, "faq/question_list.html", context)


def full_list():
    """Every published question by category, rendered once per version of the content."""
    key = f"faq:list:{content_version()}"
    cached = cache.get(key)
    if cached is None:
        categories = list(
            Category.objects.filter(questions__is_published=True)
            .distinct()
            .prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.published(),
                    to_attr="published_questions",
                )
            )
        )
        visible = [question for category in categories for question in category.published_questions]
        cached = {
            "categories_html": render_to_string("faq/_categories.html", {"categories": categories}),
            "json_ld": faq_page_json_ld(visible),
        }
        cache.set(key, cached, timeout=LIST_CACHE_SECONDS)
    return cached


def question_detail(request, slug):
    question = get_object_or_404(Question.objects.published().select_related("category"), slug=slug)
    return render(
        request,
        "faq/question_detail.html",
        {"question": question, "json_ld": faq_page_json_ld([question])},
    )
