"""The starter questions and answers in Spanish. Fills only Spanish columns that are empty, so
text staff have written in the admin is never replaced."""

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
        """Es una terapia de conversación en la que un medicamento elegido con cuidado, en este caso
la ketamina, forma parte de algunas sesiones. También puede oír que la llaman psicoterapia asistida
con ketamina o psicoterapia facilitada con ketamina.

El medicamento no sana por sí solo. Le ayuda a llegar más rápido y con menos resistencia a
recuerdos y sentimientos dolorosos, para que el trabajo de terapia —con un terapeuta capacitado y
con métodos respaldados por la evidencia— pueda resolverlos más a fondo.""",
    ),
    "is-ketamine-a-psychedelic": (
        "¿La ketamina es un psicodélico?",
        """No exactamente. La ketamina pertenece a un grupo de medicamentos llamados
**disociativos**: en las dosis que se usan en terapia, puede hacer que se sienta un poco separado
de su cuerpo o de lo que le rodea.

En las noticias a menudo la agrupan con los psicodélicos, pero actúa de otra manera que sustancias
como la psilocibina o el LSD.""",
    ),
    "how-is-this-different-from-psychedelic-integration": (
        "¿En qué se diferencia de la «integración psicodélica»?",
        """Algunos terapeutas ofrecen sesiones de «integración» para ayudar a las personas a
entender una experiencia psicodélica que tuvieron en otro lugar, con una sustancia que no formaba
parte de la terapia.

Nuestro trabajo es diferente. El medicamento se da como parte del propio tratamiento, en un
ambiente controlado y supervisado, y cada sesión se basa en métodos de psicoterapia reconocidos.""",
    ),
    "is-ketamine-fda-approved": (
        "¿La FDA aprobó la ketamina para esto?",
        """La Administración de Alimentos y Medicamentos de los Estados Unidos (FDA) aprobó la
ketamina como anestésico. Un medicamento parecido, la esketamina (que se vende como Spravato),
está aprobado para la depresión que no ha mejorado con otros tratamientos.

Usar la ketamina para apoyar la psicoterapia **no** es en sí un uso aprobado por la FDA. Los
médicos pueden recetar medicamentos aprobados para otros fines, lo que se llama uso «fuera de
indicación» (*off-label*), y así es como se usa aquí. En los Estados Unidos, solo los
medicamentos aprobados por la FDA se pueden usar de esta manera.""",
    ),
    "how-is-the-ketamine-given": (
        "¿Cómo se da la ketamina?",
        """Hay varias formas, que elegimos con usted:

- una **pastilla para chupar** (también llamada trocisco) que se deshace debajo de la lengua;
- una **inyección** en un músculo;
- a veces una **infusión intravenosa (IV)**, que suele usarse para dosis más altas.""",
    ),
    "is-ketamine-safe": (
        "¿Es seguro? ¿La ketamina no es una droga de la calle?",
        """La ketamina se ha usado mal fuera de la medicina: algunas personas toman cantidades muy
grandes para sentirse muy desconectadas. Eso no es lo que pasa aquí.

En la terapia la dosis es mucho más baja, se la recetan a usted y tiene apoyo durante toda la
sesión. El medicamento es una ayuda, no lo principal: el cambio duradero viene de la terapia que
el medicamento hace más fácil.""",
    ),
    "how-long-does-treatment-take": (
        "¿Cuánto dura el tratamiento?",
        """Depende de lo que usted esté trabajando.

- Un **solo** hecho doloroso y **más reciente** muchas veces se puede resolver en un tratamiento
  bastante corto.
- El **trauma complejo** y el trastorno de estrés postraumático (TEPT) de larga duración llevan más
  tiempo, sobre todo cuando vienen de la infancia o de las primeras relaciones con quienes le
  cuidaron.

No hay atajos para el trauma complejo, pero según nuestra experiencia la terapia asistida con
medicamentos llega a la meta de forma más eficiente que los otros enfoques que hemos usado.""",
    ),
    "why-might-i-feel-worse-before-better": (
        "¿Por qué podría sentirme peor antes de sentirme mejor?",
        """Muchas clínicas que hacen este trabajo han visto que los síntomas pueden aumentar por un
tiempo al principio del tratamiento. A esto a veces se le llama **desestabilización**.

Con los años, su mente puede haberle protegido del trauma apagándose o guardando las experiencias
dolorosas en cajones separados. Esas protecciones pueden aparecer como tristeza, ansiedad,
molestias físicas o tensión en las relaciones. A medida que la terapia las hace menos necesarias,
se aflojan, y los recuerdos y sentimientos que había debajo salen a la luz para que por fin se
puedan trabajar.

Puede ser difícil. La mayoría de las personas siguen con su trabajo y su familia durante esta
etapa, aunque no estén en su mejor momento. Es una parte normal y esperada de una recuperación
duradera, y no la pasará solo.""",
    ),
    "what-support-will-i-have": (
        "¿Qué apoyo tendré si la terapia se pone difícil?",
        """Su terapeuta planea con usted desde el principio los momentos difíciles y le pregunta
cómo se siente entre sesiones. Si por un tiempo necesita más ayuda, podemos darle más apoyo, por
ejemplo con sesiones más frecuentes.

Si alguna vez está en crisis, llame o envíe un mensaje de texto al **988** (Línea de Prevención
del Suicidio y Crisis; atiende en español) o llame al **911**.""",
    ),
    "how-do-i-get-started": (
        "¿Cómo empiezo?",
        """Llámenos al [(952) 260-3550](tel:+19522603550) o use el formulario para pedir una
consulta y le llamaremos. En una primera conversación hablamos de lo que usted espera y de si este
tratamiento es adecuado para usted.""",
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
    dependencies = [("faq", "0005_spanish_search")]

    operations = [migrations.RunPython(add_spanish, remove_spanish)]
