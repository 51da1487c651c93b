"""Made-up FAQ content for demos and benchmarks (`manage.py seed_demo --questions N`).

Demo categories and questions have slugs starting with ``demo-``, so they can be topped up and
removed again. Content is generated from a fixed seed, so demo question number 17 is always the
same question.
"""

import random

from django.db.models import Max
from django.utils.text import slugify

from .markdown import render_markdown
from .models import Category, Question

DEMO_PREFIX = "demo-"
BATCH_SIZE = 1000

# (name, question templates, subjects). Every template is combined with every subject.
CATEGORIES = [
    (
        "Costs and insurance",
        [
            "Does insurance cover {}?",
            "How much does {} cost?",
            "Can I pay for {} with an HSA or FSA?",
            "Do you offer a sliding scale for {}?",
            "Will I get a superbill for {}?",
        ],
        [
            "the first consultation",
            "a medication session",
            "integration therapy",
            "the medical screening",
            "couples sessions",
            "follow-up visits",
            "group sessions",
            "the intake assessment",
            "a missed appointment",
            "a phone consultation",
        ],
    ),
    (
        "Preparing for a session",
        [
            "What should I eat before {}?",
            "Can I drive myself to {}?",
            "What should I bring to {}?",
            "How should I prepare emotionally for {}?",
            "Should I keep taking my usual medication before {}?",
        ],
        [
            "my first medication session",
            "a booster session",
            "an evening appointment",
            "a longer session",
            "a session after a break",
            "a telehealth check-in",
            "the screening visit",
            "a session on a workday",
            "a session with my partner present",
        ],
    ),
    (
        "During a session",
        [
            "What happens during {}?",
            "Who stays with me during {}?",
            "Can I stop {} if I feel uncomfortable?",
            "Will I be able to talk during {}?",
            "How is my safety monitored during {}?",
        ],
        [
            "the dosing part of a session",
            "an integration conversation",
            "a music-guided session",
            "the first hour",
            "the recovery period",
            "a couples session",
            "the last half hour",
            "a session with an eye mask on",
        ],
    ),
    (
        "After a session",
        [
            "How will I feel after {}?",
            "When can I go back to work after {}?",
            "What is integration after {}?",
            "Who can I call after {}?",
            "Can I exercise after {}?",
        ],
        [
            "a medication session",
            "an intense session",
            "the last session of a series",
            "a session that brought up old memories",
            "a booster session",
            "a difficult week",
            "a session that felt disappointing",
        ],
    ),
    (
        "Eligibility and health",
        [
            "Can I have this treatment if I have {}?",
            "Do I need a referral if I have {}?",
            "Is treatment different for people with {}?",
            "Will you talk to my doctor about {}?",
        ],
        [
            "high blood pressure",
            "a history of substance use",
            "chronic pain",
            "an eating disorder",
            "bipolar disorder",
            "PTSD",
            "long-standing depression",
            "anxiety that comes and goes",
            "a heart condition",
        ],
    ),
    (
        "Privacy and records",
        [
            "Who can see {}?",
            "How long do you keep {}?",
            "Can I ask for a copy of {}?",
            "Is {} shared with my insurer?",
        ],
        [
            "my therapy notes",
            "the consultation request I sent",
            "my screening results",
            "my billing records",
            "recordings of sessions",
            "messages I send through the website",
            "notes from phone calls",
            "my appointment history",
        ],
    ),
]

OPENINGS = [
    "Short answer: it depends on your situation, and we will go through it with you on the phone.",
    "Most people ask us this before their first visit, so you are in good company.",
    "We take this question seriously, because the answer shapes how safe and useful treatment is.",
    "Every person is different, but there are a few things that are true for almost everyone.",
    "This is one of the questions our intake team hears most often.",
]
DETAILS = [
    "Your therapist will explain each step before it happens, and you can ask questions at "
    "any time.",
    "A licensed clinician reviews your health history before any medication is offered.",
    "Sessions take place in a quiet, private room with a comfortable chair and soft lighting.",
    "We follow established psychotherapy methods, and the medication only supports that work.",
    "Plans are written with you, not for you, and they change when your needs change.",
    "We will never pressure you to continue if treatment is not right for you.",
    "Family members are welcome to call us with practical questions, with your permission.",
    "If something in your health changes between sessions, tell us before the next one.",
]
LIST_ITEMS = [
    "a photo ID and your insurance card",
    "a list of the medications you take",
    "comfortable clothes and warm socks",
    "someone to drive you home",
    "an eye mask or headphones, if you like them",
    "a light meal several hours before",
    "questions you want to ask your therapist",
    "a notebook for the days after",
    "time to rest for the rest of the day",
]
HEADINGS = ["What to keep in mind", "In practice", "If you are unsure", "Before you decide"]
CLOSINGS = [
    "If you would like to talk it through, [ask us to call you](/consultation/).",
    "Our [privacy notice](/privacy/) explains how we look after what you tell us.",
    "Call us at [(952) 260-3550](tel:+19522603550) and we will answer it ourselves.",
    "You can always *change your mind*, at any stage.",
    "We are glad to answer this again on the phone, as often as you need.",
]


def demo_question_texts():
    """Every demo question, in a fixed order that takes turns through the categories."""
    rng = random.Random(5)  # noqa: S311 (made-up content, not secrets)
    per_category = []
    for name, templates, subjects in CATEGORIES:
        texts = [template.format(subject) for template in templates for subject in subjects]
        rng.shuffle(texts)
        per_category.append([(name, text) for text in texts])
    ordered = []
    for turn in range(max(len(texts) for texts in per_category)):
        ordered.extend(texts[turn] for texts in per_category if turn < len(texts))
    return ordered


def demo_answer(rng):
    """A Markdown answer of a few paragraphs, sometimes with a heading and a list."""
    parts = [rng.choice(OPENINGS), " ".join(rng.sample(DETAILS, rng.randint(2, 4)))]
    if rng.random() < 0.4:
        parts.append(f"### {rng.choice(HEADINGS)}")
    if rng.random() < 0.6:
        bullet = "1." if rng.random() < 0.3 else "-"
        items = rng.sample(LIST_ITEMS, rng.randint(2, 5))
        parts.append("\n".join(f"{bullet} {item}" for item in items))
    if rng.random() < 0.5:
        parts.append("**Good to know:** " + rng.choice(DETAILS))
    parts.append(rng.choice(CLOSINGS))
    return "\n\n".join(parts)


def question_limit():
    """How many different demo questions there can be."""
    return len(demo_question_texts())


def remove_demo_questions():
    """Delete the demo questions and the demo categories left empty; return how many questions."""
    removed, _ = Question.objects.filter(slug__startswith=DEMO_PREFIX).delete()
    Category.objects.filter(slug__startswith=DEMO_PREFIX, questions__isnull=True).delete()
    return removed


def seed_questions(wanted):
    """Top the demo questions up to the first `wanted` ones; return a line saying what was done."""
    existing = set(
        Question.objects.filter(slug__startswith=DEMO_PREFIX).values_list("slug", flat=True)
    )
    texts = demo_question_texts()[:wanted]
    if not texts:
        return ""
    categories = {}
    next_position = (Category.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    for position, (name, *_rest) in enumerate(CATEGORIES, start=next_position):
        categories[name], _ = Category.objects.get_or_create(
            slug=DEMO_PREFIX + slugify(name), defaults={"name": name, "position": position}
        )
    new = []
    for number, (category_name, text) in enumerate(texts, start=1):
        slug = f"{DEMO_PREFIX}{number}-{slugify(text)}"[:255]
        if slug in existing:
            continue
        answer = demo_answer(random.Random(number))  # noqa: S311
        new.append(
            Question(
                category=categories[category_name],
                question=text,
                slug=slug,
                answer=answer,
                # bulk_create skips save(), which renders the Markdown.
                answer_html=render_markdown(answer),
                position=number,
                is_published=number % 25 != 0,  # a few drafts, as on a real site
            )
        )
    Question.objects.bulk_create(new, batch_size=BATCH_SIZE)
    return (
        f"Questions: {len(new)} created, {len(existing)} already there "
        f"({Question.objects.published().count()} published on the site)."
    )
