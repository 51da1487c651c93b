"""The starter questions and answers in Spanish, with the facts of the plain-language English
answers (0005). Fills only Spanish columns that are empty, so text staff have written in the
admin is never replaced. The drafts with points still to decide stay English only."""

from django.db import migrations

from faq.markdown import render_markdown

CATEGORIES = {
    "about-the-treatment": "Sobre el tratamiento",
    "medication-and-safety": "El medicamento y la seguridad",
    "what-to-expect": "Qué esperar",
}

QUESTIONS = {
    "what-is-medication-assisted-psychotherapy": (
        "¿Qué es la psicoterapia asistida con medicamentos?",
        """Es una terapia de conversación en la que un medicamento, aquí la ketamina, forma parte de
algunas sesiones. También puede oír que la llaman psicoterapia asistida con ketamina o
facilitada con ketamina. A veces se hace el mismo tipo de cuidado con otros medicamentos, como
el cannabis.

El medicamento no sana por sí solo. Le ayuda a llegar antes y con más facilidad a recuerdos y
sentimientos dolorosos. Luego la terapia le ayuda a resolverlos para siempre. Usted trabaja con
un terapeuta capacitado que usa métodos probados.""",
    ),
    "is-ketamine-a-psychedelic": (
        "¿La ketamina es un psicodélico?",
        """No realmente. La ketamina es un medicamento **disociativo**. En las dosis que se usan en
terapia, puede hacer que se sienta un poco separado de su cuerpo o del lugar donde está.

Las noticias a menudo la ponen en el mismo grupo que los psicodélicos. Pero actúa de otra manera
que sustancias como la psilocibina o el LSD.""",
    ),
    "how-is-this-different-from-psychedelic-integration": (
        "¿En qué se diferencia de la «integración psicodélica»?",
        """Algunos terapeutas ofrecen sesiones de «integración». Ayudan a las personas a entender
una sustancia psicodélica que tomaron en otro lugar. Esa sustancia no era parte de la terapia.

Nuestro trabajo es diferente. Aquí el medicamento es parte del propio cuidado. Se da en un lugar
seguro y controlado, con personal que le cuida. Cada sesión se basa en métodos probados de
terapia de conversación.""",
    ),
    "is-ketamine-fda-approved": (
        "¿La FDA aprobó la ketamina para esto?",
        """La Administración de Alimentos y Medicamentos de los Estados Unidos (FDA) aprobó la
ketamina para la anestesia. Un medicamento parecido, la esketamina (que se vende como Spravato),
está aprobado para la depresión que no ha mejorado con otros tratamientos.

Usar la ketamina para ayudar en la terapia de conversación **no** es un uso aprobado por la FDA.
Pero los médicos pueden recetar un medicamento aprobado para otro uso. Esto se llama uso «fuera
de indicación» (*off-label*). Así es como usamos la ketamina aquí. En los Estados Unidos, solo
podemos usar de esta manera medicamentos que la FDA ha aprobado.""",
    ),
    "how-is-the-ketamine-given": (
        "¿Cómo se da la ketamina?",
        """Hay varias formas. Elegimos la forma con usted.

- Una **pastilla para chupar** (también llamada trocisco). Se deshace debajo de la lengua.
- Una **inyección** en un músculo.
- A veces un **suero por la vena** (infusión intravenosa). Se usa sobre todo para dosis más
  altas.""",
    ),
    "is-ketamine-safe": (
        "¿Es seguro? ¿La ketamina no es una droga de la calle?",
        """Algunas personas usan mal la ketamina fuera de la medicina. Toman cantidades muy grandes
para sentirse desconectadas del mundo. Eso no es lo que pasa aquí.

En la terapia la dosis es mucho más baja y más segura. Se receta solo para usted, y tiene apoyo
todo el tiempo. El medicamento es una ayuda, no la parte principal de su cuidado. El cambio que
dura viene de la terapia que el medicamento hace más fácil.""",
    ),
    "how-long-does-treatment-take": (
        "¿Cuánto dura el tratamiento?",
        """Depende de lo que usted esté trabajando.

- Un hecho doloroso **único y reciente** muchas veces se puede resolver en poco tiempo.
- El **trauma complejo** y el trastorno de estrés postraumático (TEPT) de larga duración llevan
  más tiempo. Sobre todo cuando vienen de la infancia, o de los primeros lazos con las personas
  que le criaron.

No hay una solución rápida para el trauma complejo. Aun así, según nuestra experiencia, esta
terapia llega a la meta antes y mejor que los otros métodos que hemos usado.""",
    ),
    "why-might-i-feel-worse-before-better": (
        "¿Por qué podría sentirme peor antes de sentirme mejor?",
        """Muchas clínicas que hacen este trabajo han visto que los síntomas pueden empeorar por
un tiempo al principio del tratamiento. A esto a veces se le llama **desestabilización**.

Por años, su mente puede haberle protegido del trauma apagándose. También puede haber guardado
los recuerdos dolorosos en cajones separados. Estas formas de protegerse pueden aparecer como
tristeza, ansiedad, dolores o problemas con las personas cercanas. A medida que la terapia las
hace menos necesarias, se aflojan. Entonces salen los recuerdos y sentimientos que había debajo,
para que por fin pueda trabajarlos.

Puede ser difícil. La mayoría de las personas siguen con su trabajo y su familia en esta etapa,
aunque no estén en su mejor momento. Algunas necesitan más apoyo por un tiempo. Es una parte
normal y esperada de una sanación que dura, y no la pasará solo.""",
    ),
    "what-support-will-i-have": (
        "¿Qué apoyo tendré si la terapia se pone difícil?",
        """Su terapeuta planea con usted los momentos difíciles desde el principio. Le pregunta cómo
está entre sesiones. Si por un tiempo necesita más ayuda, podemos darle más apoyo. Por ejemplo,
podemos vernos más seguido.

Si alguna vez está en crisis, llame o envíe un mensaje de texto al **988** (Línea de Prevención
del Suicidio y Crisis; atiende en español) o llame al **911**.""",
    ),
    "how-do-i-get-started": (
        "¿Cómo empiezo?",
        """Llámenos al [(952) 260-3550](tel:+19522603550), o llene el formulario para pedir una
consulta y le devolveremos la llamada. En una primera conversación le preguntamos qué espera y si
este cuidado es adecuado para usted.""",
    ),
}


def add_spanish(apps, schema_editor):
    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    for slug, name in CATEGORIES.items():
        Category.objects.filter(slug=slug, name_es__isnull=True).update(name_es=name)
        Category.objects.filter(slug=slug, name_es="").update(name_es=name)
    for slug, (question, answer) in QUESTIONS.items():
        for empty in (None, ""):
            Question.objects.filter(slug=slug, question_es=empty).update(question_es=question)
            Question.objects.filter(slug=slug, answer_es=empty).update(
                answer_es=answer, answer_html_es=render_markdown(answer)
            )


def remove_spanish(apps, schema_editor):
    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    for slug, name in CATEGORIES.items():
        Category.objects.filter(slug=slug, name_es=name).update(name_es=None)
    for slug, (question, answer) in QUESTIONS.items():
        Question.objects.filter(slug=slug, question_es=question).update(question_es=None)
        Question.objects.filter(slug=slug, answer_es=answer).update(
            answer_es=None, answer_html_es=None
        )


class Migration(migrations.Migration):
    dependencies = [("faq", "0009_spanish_search")]

    operations = [migrations.RunPython(add_spanish, remove_spanish)]
