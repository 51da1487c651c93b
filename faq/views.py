import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .forms import SearchForm
from .models import Category, Question

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
    form = SearchForm(request.GET)
    terms = form.cleaned_data["q"] if form.is_valid() else ""
    published = Question.objects.published()
    context = {"form": form, "terms": terms}
    if terms:
        results = list(published.search(terms).select_related("category"))
        context.update(results=results, json_ld=faq_page_json_ld(results))
    else:
        categories = list(
            Category.objects.filter(questions__is_published=True)
            .distinct()
            .prefetch_related(
                Prefetch("questions", queryset=published, to_attr="published_questions")
            )
        )
        visible = [question for category in categories for question in category.published_questions]
        context.update(categories=categories, json_ld=faq_page_json_ld(visible))
    return render(request, "faq/question_list.html", context)


def question_detail(request, slug):
    question = get_object_or_404(Question.objects.published().select_related("category"), slug=slug)
    return render(
        request,
        "faq/question_detail.html",
        {"question": question, "json_ld": faq_page_json_ld([question])},
    )
