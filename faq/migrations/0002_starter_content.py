"""Starter questions and answers, so a new site is useful before staff edit anything."""

from django.db import migrations

from faq.markdown import render_markdown

CATEGORIES = [
    ("About the treatment", "about-the-treatment"),
    ("Medication and safety", "medication-and-safety"),
    ("What to expect", "what-to-expect"),
]

QUESTIONS = [
    (
        "about-the-treatment",
        "What is medication-assisted psychotherapy?",
        "what-is-medication-assisted-psychotherapy",
        """It is talk therapy in which a carefully chosen medication, here ketamine, is part of
some sessions. You may also hear it called ketamine-assisted or ketamine-facilitated psychotherapy.

The medication does not do the healing by itself. It helps you reach painful memories and feelings
more quickly and with less resistance, so that the therapy work — with a trained therapist, using
methods backed by evidence — can resolve them more thoroughly.""",
    ),
    (
        "about-the-treatment",
        "Is ketamine a psychedelic?",
        "is-ketamine-a-psychedelic",
        """Not strictly. Ketamine belongs to a group of medicines called **dissociatives**: at the doses
used in therapy it can make you feel a little detached from your body or surroundings.

It is often grouped with psychedelics in the news, but it works differently from substances such as
psilocybin or LSD.""",
    ),
    (
        "about-the-treatment",
        "How is this different from “psychedelic integration”?",
        "how-is-this-different-from-psychedelic-integration",
        """Some therapists offer “integration” sessions to help people make sense of a psychedelic
experience they had somewhere else, with a substance that was not part of the therapy.

Our work is different. The medication is given as part of the treatment itself, in a controlled
and supervised setting, and every session is built around established psychotherapy methods.""",
    ),
    (
        "medication-and-safety",
        "Is ketamine approved by the FDA for this?",
        "is-ketamine-fda-approved",
        """Ketamine is approved by the U.S. Food and Drug Administration as an anesthetic, and a related
medicine, esketamine (sold as Spravato), is approved for depression that has not responded to other
treatment.

Using ketamine to support psychotherapy is **not** itself an FDA-approved use. Doctors may prescribe
approved medicines for other purposes, which is called “off-label” use, and that is how it is used
here. In the United States, only FDA-approved medicines can be used this way.""",
    ),
    (
        "medication-and-safety",
        "How is the ketamine given?",
        "how-is-the-ketamine-given",
        """There are a few ways, chosen with you:

- a **lozenge** (also called a troche) that dissolves under the tongue;
- an **injection** into a muscle;
- sometimes an **intravenous (IV) infusion**, which is usually used for higher doses.""",
    ),
    (
        "medication-and-safety",
        "Is it safe? Isn't ketamine a street drug?",
        "is-ketamine-safe",
        """Ketamine has been misused outside of medicine, where people take very large amounts to
feel strongly disconnected. That is not what happens here.

In therapy the dose is much lower, it is prescribed for you, and you are supported throughout the
session. The medication is a helper, not the main event: the lasting change comes from the therapy
it makes easier.""",
    ),
    (
        "what-to-expect",
        "How long does treatment take?",
        "how-long-does-treatment-take",
        """It depends on what you are working through.

- A **single, more recent** upsetting event can often be resolved in a fairly short course of
  treatment.
- **Complex trauma** and long-standing PTSD take longer, particularly when they reach back to
  childhood or to early relationships with caregivers.

There are no shortcuts for complex trauma, but in our experience medication-assisted therapy gets
there more efficiently than the other approaches we have used.""",
    ),
    (
        "what-to-expect",
        "Why might I feel worse before I feel better?",
        "why-might-i-feel-worse-before-better",
        """Many clinics doing this work have seen that symptoms can get stronger for a while early in
treatment. This is sometimes called **destabilization**.

Over the years, your mind may have protected you from trauma by shutting down or by keeping
painful experiences in separate boxes. Those protections can show up as low mood, anxiety, physical
complaints or strain in relationships. As therapy makes them less necessary, they loosen, and the
memories and feelings underneath come forward so they can finally be worked through.

That can be hard. Most people keep up with work and family during this stage, even if they are
not at their best. It is a normal, expected part of lasting recovery, and you will not go through
it alone.""",
    ),
    (
        "what-to-expect",
        "What support will I have if therapy gets hard?",
        "what-support-will-i-have",
        """Your therapist plans for the difficult stretches with you from the start and checks in on
how you are coping between sessions. If you need more help for a while, we can increase support,
for example with more frequent sessions.

If you are ever in crisis, call or text **988** (Suicide & Crisis Lifeline) or call **911**.""",
    ),
    (
        "what-to-expect",
        "How do I get started?",
        "how-do-i-get-started",
        """Call us at [(952) 260-3550](tel:+19522603550) or use the consultation request form and we will
call you back. In a first conversation we talk about what you are hoping for and whether this
treatment is a good fit for you.""",
    ),
]


def add_starter_content(apps, schema_editor):
    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    categories = {}
    for position, (name, slug) in enumerate(CATEGORIES, start=1):
        categories[slug], _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position * 10}
        )
    for position, (category_slug, question, slug, answer) in enumerate(QUESTIONS, start=1):
        Question.objects.get_or_create(
            slug=slug,
            defaults={
                "category": categories[category_slug],
                "question": question,
                "answer": answer,
                "answer_html": render_markdown(answer),
                "position": position * 10,
                "is_published": True,
            },
        )


def remove_starter_content(apps, schema_editor):
    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    Question.objects.filter(slug__in=[slug for _, _, slug, _ in QUESTIONS]).delete()
    Category.objects.filter(
        slug__in=[slug for _, slug in CATEGORIES], questions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [migrations.RunPython(add_starter_content, remove_starter_content)]
