import hashlib
import json
import re
import threading
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page

from clinic.context_processors import languages

from . import search, services
from .forms import FeedbackForm, SearchForm, VoteForm
from .markdown import render_markdown
from .models import (
    Category,
    Question,
    content_languages,
    content_version,
    forget_recent_content_version,
    localized,
    recent_content_version,
)

# Cached FAQ pages are keyed on content_version(): old versions are never read again and only
# need to expire eventually.
CACHE_SECONDS = 24 * 60 * 60
# Memory each process may spend on its own copies of shared pages (FinishedPages), about 300
# compressed pages with the demo content.
FINISHED_PAGES_BYTES = 8 * 1024 * 1024
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
        "inLanguage": get_language(),
        "lastReviewed": timezone.localdate(review.reviewed_at).isoformat(),
        "reviewedBy": reviewer,
    }
    return script_safe_json(data)


def script_safe_json(data):
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


def page_variant(request):
    """What, besides its content version and path, tells apart the copies of a shared page."""
    accepts_gzip = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    return (
        request.scheme,
        request.get_host(),
        get_language(),
        request.GET.get("q", ""),
        "gzip" if accepts_gzip else "",
    )


class FinishedPages:
    """The shared pages this process served for the current content version, as the bytes and
    headers to send again: a repeat visit is a new response around them, with nothing to
    unpickle and nothing to compute.

    A new content version drops them all. Bounded by size, searches being many: the oldest
    copies make room first, and the cache still holds them.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.current = (None, {})  # the content version, and its pages by path and variant
            self.size = 0

    def has(self, version, path):
        kept_version, pages = self.current
        return version == kept_version and path in pages

    def response(self, version, path, variant):
        """A new response with the page's bytes and headers as first served, or None."""
        kept_version, pages = self.current
        page = pages.get(path, {}).get(variant) if version == kept_version else None
        if page is None:
            return None
        content, headers = page
        return HttpResponse(content, headers=headers)

    def keep(self, version, path, variant, response):
        content = response.content
        if len(content) > self.max_bytes:
            return
        with self.lock:
            kept_version, pages = self.current
            if version != kept_version:
                pages = {}
                self.current = (version, pages)
                self.size = 0
            while self.size + len(content) > self.max_bytes:
                self.drop_oldest(pages)
            pages.setdefault(path, {})[variant] = (content, tuple(response.items()))
            self.size += len(content)

    def drop_oldest(self, pages):
        path = next(iter(pages))
        variants = pages[path]
        self.size -= len(variants.pop(next(iter(variants)))[0])
        if not variants:
            del pages[path]


finished_pages = FinishedPages(max_bytes=FINISHED_PAGES_BYTES)


def forget_shared_pages():
    """Empty this process's copies of the shared pages and its recent content version, as
    `cache.clear()` empties the cache: the next view reads the database and renders."""
    finished_pages.clear()
    forget_recent_content_version()


def shared_page_cache(view):
    """Serve shared FAQ pages from memory or the cache, per content version, usually with no
    query at all (faq.middleware.FinishedPageMiddleware serves most repeat visits before this).

    An edit changes the content version: this process shows it on its next request, every other
    process and server within RECENT_VERSION_SECONDS (one second). Repeated searches are cached
    too (the cache holds a bounded number of entries). Signed-in staff and visitors with
    messages always get a freshly rendered page.
    """

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not is_shared_page(request):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            return response
        version = recent_content_version()
        variant = page_variant(request)
        finished = finished_pages.response(version, request.path, variant)
        if finished is not None:
            return finished
        page = "|".join([version, request.path, *variant])
        key = "faq:page:" + hashlib.md5(page.encode(), usedforsecurity=False).hexdigest()
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            # Never share a page carrying something of this request's: a CSRF token, a nonce.
            private = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or get_nonce(request)
            # A search that found nothing is counted on every visit: never served from the cache.
            not_shared = "private" in response.get("Cache-Control", "")
            if response.status_code != 200 or response.cookies or private or not_shared:
                patch_vary_headers(response, ["Cookie"])
                return response
            cache.set(key, response, timeout=CACHE_SECONDS)
        patch_vary_headers(response, ["Cookie"])
        finished_pages.keep(version, request.path, variant, response)
        return response

    return cached_view


@shared_page_cache
@gzip_page
def question_list(request):
    """All questions by category, or the results of a search."""
    form = SearchForm(request.GET)
    terms = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "terms": terms, **vote_state(request)}
    if terms:
        context.update(search_results(terms))
    elif context["voted"]:
        context.update(full_list(voted=context["voted"], answer=context["answer"], request=request))
    else:
        context.update(full_list())
    response = render(request, "faq/question_list.html", context)
    if terms and not context["results"]:
        services.record_missed_search(terms=terms)
        patch_cache_control(response, private=True)
    return response


def search_results(terms):
    """The best matches of a search, with synonyms; if none, of its spelling suggestion.

    The page stays the same size however many questions match.
    """
    language = get_language()
    pairs = search.synonyms(recent_content_version(), language)
    found = best_matches(terms, pairs)
    suggestion = None
    if not found:
        suggestion = search.spelling_suggestion(terms, language)
        found = best_matches(suggestion, pairs) if suggestion else []
    return {
        "results": found[:SEARCH_RESULTS],
        "more_results": len(found) > SEARCH_RESULTS,
        "suggestion": suggestion if found else None,
        "json_ld": faq_page_json_ld(found[:SEARCH_RESULTS]),
    }


def best_matches(terms, pairs):
    synonym_wording = search.with_synonyms(terms, pairs)
    also = [synonym_wording] if synonym_wording else []
    matches = (
        Question.objects.published().search(terms, also=also).select_related("category", "review")
    )
    return list(matches.defer("search_vector")[: SEARCH_RESULTS + 1])


def vote_state(request):
    """The question just voted on (its slug) and how, from the address the vote redirected to."""
    answer = request.GET.get("answer")
    voted = request.GET.get("voted", "") if answer in VOTE_ANSWERS else ""
    return {"voted": voted, "answer": answer if voted else ""}


def full_list(*, voted="", answer="", request=None):
    """Every published question by category in the page's language, rendered once per version
    of the content and language.

    Outside English, the questions not yet written in that language follow in a short list of
    links to their English answers. The cached HTML serves the visitors whose page is not
    shared (signed-in staff, for one). Right after a vote the list is rendered afresh, with the
    thank-you under that answer.
    """
    now = timezone.now()
    language = get_language()
    key = f"faq:list:{language}:{content_version(now)}"
    cached = None if voted else cache.get(key)
    if cached is None:
        categories = list(
            Category.objects.filter(questions__in=Question.objects.visible(now))
            .distinct()
            .prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.visible(now).select_related("review"),
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
                {
                    "categories": categories,
                    "english_only": english_only,
                    "voted": voted,
                    "answer": answer,
                    "on_list": True,
                },
                # The thank-you shows the clinic's phone number (a context processor).
                request=request if voted else None,
            ),
            "json_ld": faq_page_json_ld(visible),
        }
        if not voted:
            cache.set(key, cached, timeout=CACHE_SECONDS)
    return cached


@shared_page_cache
@gzip_page
def question_detail(request, slug):
    """One answer. Asked for in a language it is not written in yet: its English page."""
    question = get_object_or_404(
        Question.objects.published().select_related("category", "review"), slug=slug
    )
    if not question.has_text_in(get_language()):
        with translation.override(settings.LANGUAGE_CODE):
            return redirect(question)
    return question_page(request, question)


def question_page(request, question, *, feedback_form=None, status=200):
    """A question's own page; with a note form that needs fixing, right after a "No"."""
    context = {
        "question": question,
        "related": Question.objects.published().related_to(question),
        "json_ld": faq_page_json_ld([question]),
        "medical_json_ld": medical_web_page_json_ld(
            question, request.build_absolute_uri(question.get_absolute_url())
        ),
        "feedback_form": feedback_form,
        # Only the languages the question is written in: the others have no page of their own.
        "language_links": [
            link
            for link in languages(request)["language_links"]
            if question.has_text_in(link["code"])
        ],
        **vote_state(request),
    }
    if feedback_form is not None:
        context.update(voted=question.slug, answer="no")
    return render(request, "faq/question_detail.html", context, status=status)


def render_preview(request, data, *, existing=None):
    """The question page for unsaved editor input, through the same template and sanitiser.

    Nothing is saved and nothing enters the page cache; the caller is staff-only.
    """
    question = Question(
        pk=existing.pk if existing else None,
        slug=data.get("slug", "").strip() or (existing.slug if existing else "preview"),
    )
    # The admin's form has a question and an answer field per language.
    for code in content_languages():
        for field in ("question", "answer"):
            setattr(question, localized(field, code), data.get(localized(field, code), "").strip())
        answer = getattr(question, localized("answer", code))
        setattr(question, localized("answer_html", code), render_markdown(answer) if answer else "")
    english_question = localized("question", settings.LANGUAGE_CODE)
    if not getattr(question, english_question):
        setattr(question, english_question, "(no question yet)")
    question.category = Category.objects.filter(pk=data.get("category") or None).first() or (
        Category(name="(no category yet)", slug="preview")
    )
    question.content_hash = question.text_hash_in(settings.LANGUAGE_CODE)
    if existing is not None and hasattr(existing, "review"):
        question.review = existing.review
    response = render(
        request,
        "faq/question_detail.html",
        {"question": question, "json_ld": faq_page_json_ld([question]), "preview": True},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


VOTE_ANSWERS = {"yes", "no", "told"}


def is_same_origin(request):
    """True for a form sent from a page of this site, by the browser's own headers."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == f"{request.scheme}://{request.get_host()}"


def back_to_answer(request, question, answer):
    """The page the vote came from, saying thank you at the answer."""
    from_list = request.POST.get("from") == "list"
    page = reverse("faq:list") if from_list else question.get_absolute_url()
    return redirect(f"{page}?{urlencode({'voted': question.slug, 'answer': answer})}#vote-thanks")


def refused(request):
    return render(request, "faq/vote_refused.html", status=403)


# The FAQ pages are shared from the cache, so they carry no CSRF token: the browser's Origin and
# Sec-Fetch-Site headers show that a vote was sent from this site instead.
@csrf_exempt
def vote(request, slug):
    """Count a yes or a no, then back to the answer with a thank-you."""
    question = get_object_or_404(Question.objects.published(), slug=slug)
    if request.method != "POST":
        return redirect(question)  # an address opened by hand: the answer, not a blank error
    if not is_same_origin(request):
        return refused(request)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return redirect(question.get_absolute_url())
    answer = "yes" if form.cleaned_data["helpful"] else "no"
    if form.is_bot():
        return back_to_answer(request, question, answer)
    services.record_vote(question=question, helpful=form.cleaned_data["helpful"], request=request)
    return back_to_answer(request, question, answer)


@csrf_exempt
def feedback(request, slug):
    """Keep a note of what the reader hoped to find; one that needs fixing comes back filled in."""
    question = get_object_or_404(Question.objects.published().select_related("category"), slug=slug)
    if request.method != "POST":
        return redirect(question)
    if not is_same_origin(request):
        return refused(request)
    form = FeedbackForm(request.POST)
    if form.is_bot():
        return back_to_answer(request, question, "told")
    if not form.is_valid():
        # The question's own page, showing what to fix and keeping what was typed.
        return question_page(request, question, feedback_form=form, status=400)
    services.record_feedback(question=question, text=form.cleaned_data["text"], request=request)
    return back_to_answer(request, question, "told")
