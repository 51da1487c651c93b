import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# PostgreSQL only. English and Spanish search vectors, each kept in step with its own language's
# columns by the trigger on every insert and update, each with a GIN index. Spanish uses a copy
# of PostgreSQL's "spanish" configuration that removes accents before stemming, so "medicacion"
# finds "medicación". (Since migration 0008 the text lives in per-language columns.)
CREATE_SEARCH = """
CREATE TEXT SEARCH CONFIGURATION clinic_spanish (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION clinic_spanish
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
CREATE OR REPLACE FUNCTION faq_question_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.question_en, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.answer_en, '')), 'B');
    NEW.search_vector_es :=
        setweight(to_tsvector('clinic_spanish', coalesce(NEW.question_es, '')), 'A') ||
        setweight(to_tsvector('clinic_spanish', coalesce(NEW.answer_es, '')), 'B');
    RETURN NEW;
END
$$;
UPDATE faq_question SET id = id;
CREATE INDEX faq_question_search_vector_es_gin ON faq_question USING gin (search_vector_es);
"""
DROP_SEARCH = """
DROP INDEX IF EXISTS faq_question_search_vector_es_gin;
CREATE OR REPLACE FUNCTION faq_question_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.question, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.answer, '')), 'B');
    RETURN NEW;
END
$$;
DROP TEXT SEARCH CONFIGURATION IF EXISTS clinic_spanish;
"""


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SEARCH)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH)


class Migration(migrations.Migration):
    dependencies = [("faq", "0008_content_per_language")]

    operations = [
        # Does nothing on other databases.
        UnaccentExtension(),
        migrations.AddField(
            model_name="question",
            name="search_vector_es",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
