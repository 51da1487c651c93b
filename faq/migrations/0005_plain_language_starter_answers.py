"""Plain-language starter answers (Flesch-Kincaid grade 8 or below) and drafts of questions
patients often ask, whose clinic policies are still to be decided.

Only answers still worded exactly as the starter content (0002) are rewritten: a clinic's own
edits are never touched. Reversing puts back the starter wording where the new one is still
unchanged, and removes the drafts nobody has edited.
"""

import hashlib
import importlib

from django.db import migrations

from faq.markdown import render_markdown

STARTER = importlib.import_module("faq.migrations.0002_starter_content")

PLAIN_ANSWERS = {
"what-is-medication-assisted-psychotherapy": """It is talk therapy in which a medicine, here ketamine, is part of some sessions. You may
also hear it called ketamine-assisted or ketamine-facilitated psychotherapy. The same kind of
care is sometimes done with other medicines, such as cannabis.

The medicine does not do the healing by itself. It helps you reach painful memories and feelings
sooner and more easily. Then the therapy can help you work through them for good. You work with a
trained therapist who uses proven methods.""",
"is-ketamine-a-psychedelic": """Not really. Ketamine is a **dissociative** drug. At the doses used in therapy, it can make you
feel a little apart from your body or the room around you.

The news often puts it in the same group as psychedelics. But it works in a different way from
drugs such as psilocybin or LSD.""",
"how-is-this-different-from-psychedelic-integration": """Some therapists offer “integration” sessions. These help people make sense of a psychedelic
drug they took somewhere else. The drug was not part of the therapy.

Our work is different. Here the medicine is part of the care itself. It is given in a safe,
controlled setting, with staff looking after you. Each session is built on proven talk therapy
methods.""",
"is-ketamine-fda-approved": """The U.S. Food and Drug Administration (FDA) has approved ketamine for anesthesia. A related
medicine, esketamine (sold as Spravato), is approved for depression that other treatments have
not helped.

Using ketamine to help with talk therapy is **not** an FDA-approved use. But doctors may
prescribe an approved medicine for another use. This is called “off-label” use. That is how we
use ketamine here. In the United States, we can only use medicines that the FDA has approved in
this way.""",
"how-is-the-ketamine-given": """There are a few ways. We choose the way with you.

- A **lozenge** (also called a troche). It melts under your tongue.
- A **shot** (injection) into a muscle.
- Sometimes an **IV drip** into a vein. This is mostly used for higher doses.""",
"is-ketamine-safe": """Some people misuse ketamine outside of medicine. They take very large amounts to feel cut off
from the world. That is not what happens here.

In therapy the dose is much lower and safer. It is prescribed just for you, and you have support
the whole time. The medicine is a helper, not the main part of your care. The lasting change
comes from the therapy that it makes easier.""",
"how-long-does-treatment-take": """It depends on what you are working through.

- A **single, recent** upsetting event can often be worked through in a fairly short time.
- **Complex trauma** and long-lasting PTSD take longer. This is most true when they go back to
  childhood, or to early bonds with the people who raised you.

There is no quick fix for complex trauma. Still, in our experience this kind of therapy gets
there faster and better than the other methods we have used.""",
"why-might-i-feel-worse-before-better": """Many clinics doing this work have seen that symptoms can get worse for a while early in
treatment. This is sometimes called **destabilization**.

For years, your mind may have kept you safe from trauma by shutting down. It may also have kept
painful memories locked away in separate boxes. These ways of coping can show up as low mood,
anxiety, aches and pains, or trouble with the people close to you. As therapy makes them less
needed, they start to loosen. Then the memories and feelings under them come up, so you can
finally work through them.

That can be hard. Most people keep up with work and family during this time, even if they are
not at their best. Some need extra support for a while. It is a normal, expected part of
healing that lasts, and you will not go through it alone.""",
"what-support-will-i-have": """Your therapist plans for the hard times with you from the start. They check in on how you are
coping between sessions. If you need more help for a while, we can add support. For example, we
can meet more often.

If you are ever in crisis, call or text **988** (Suicide & Crisis Lifeline) or call **911**.""",
"how-do-i-get-started": """Call us at [(952) 260-3550](tel:+19522603550), or fill in the consultation request form and we
will call you back. In a first talk we ask what you hope for and whether this care is a good fit
for you.""",
}

# (category slug, question, slug, answer): unpublished until every [TO DECIDE: ...] is replaced.
DRAFTS = [
    (
        "what-to-expect",
        "What does it cost? Does insurance pay for it?",
        "what-does-it-cost",
        """[TO DECIDE: the price of a first consultation and of a ketamine-assisted session.]

[TO DECIDE: which insurance plans the clinic works with, whether it bills them, and what a
patient pays when insurance does not cover the medicine or the session.]

Call us at [(952) 260-3550](tel:+19522603550) and we will go through the costs with you.""",
    ),
    (
        "what-to-expect",
        "How do I get home after a session?",
        "how-do-i-get-home-after-a-session",
        """Ketamine can affect how alert you are for some hours after a session.

[TO DECIDE: how long after a session a patient must not drive, ride a bike or use machines.]

[TO DECIDE: whether someone must take the patient home, and whether a taxi or ride service
is allowed.]""",
    ),
    (
        "medication-and-safety",
        "Who should not have ketamine?",
        "who-should-not-have-ketamine",
        """Ketamine is not safe for everyone. Before you start, we ask about your health and the
medicines you take.

[TO DECIDE: the clinic's list of health problems that rule ketamine out or need a doctor's
check first, for example high blood pressure that is not under control, pregnancy, or a history
of psychosis.]

[TO DECIDE: which medicines or other drugs must be stopped or changed before treatment.]""",
    ),
    (
        "what-to-expect",
        "How do I get ready for a ketamine session?",
        "how-do-i-get-ready-for-a-session",
        """[TO DECIDE: whether to eat or drink before a session, and for how long not to.]

[TO DECIDE: which of your usual medicines to take or skip on the day.]

[TO DECIDE: what to bring and wear, and when to arrive.]""",
    ),
    (
        "medication-and-safety",
        "How is this different from Spravato treatment?",
        "how-is-this-different-from-spravato",
        """Spravato is esketamine, a medicine related to ketamine. The FDA has approved it for
depression that other treatments have not helped. Here, ketamine is used “off label” to help
with talk therapy.

[TO DECIDE: whether the clinic offers Spravato, and how a patient can choose between the two.]""",
    ),
]


def fingerprint(question, answer):
    return hashlib.sha256(f"{question}\n\n{answer}".encode()).hexdigest()


def set_answer(question, answer):
    question.answer = answer
    question.answer_html = render_markdown(answer)
    question.content_hash = fingerprint(question.question, answer)
    question.save(update_fields=["answer", "answer_html", "content_hash", "updated_at"])


def rewrite(apps, schema_editor):
    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    for _, _, slug, original in STARTER.QUESTIONS:
        for question in Question.objects.filter(slug=slug, answer=original):
            set_answer(question, PLAIN_ANSWERS[slug])
    names = dict((slug, name) for name, slug in STARTER.CATEGORIES)
    for position, (category_slug, text, slug, answer) in enumerate(DRAFTS, start=1):
        category, _ = Category.objects.get_or_create(
            slug=category_slug, defaults={"name": names[category_slug], "position": 100}
        )
        Question.objects.get_or_create(
            slug=slug,
            defaults={
                "category": category,
                "question": text,
                "answer": answer,
                "answer_html": render_markdown(answer),
                "content_hash": fingerprint(text, answer),
                "position": 1000 + position * 10,
                "is_published": False,
            },
        )


def restore(apps, schema_editor):
    Question = apps.get_model("faq", "Question")
    for _, text, slug, answer in DRAFTS:
        Question.objects.filter(slug=slug, question=text, answer=answer).delete()
    for _, _, slug, original in STARTER.QUESTIONS:
        for question in Question.objects.filter(slug=slug, answer=PLAIN_ANSWERS[slug]):
            set_answer(question, original)


class Migration(migrations.Migration):

    dependencies = [("faq", "0004_review_and_schedule")]

    operations = [migrations.RunPython(rewrite, restore)]
