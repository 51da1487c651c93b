"""The request list's rows are built column by column (consultations/templatetags/request_list.py):
the table must stay exactly the one Django's own ``result_list`` tag makes."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.business_days import subtract_business_days
from consultations.models import CallAttempt, ConsultationRequest, DoNotContact
from consultations.models.requests import number_key
from consultations.templatetags.request_list import row_columns

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

Status = ConsultationRequest.Status
Outcome = CallAttempt.Outcome
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
DJANGOS_TABLE = engines["django"].from_string("{% load admin_list %}{% result_list cl %}")
OUR_TABLE = engines["django"].from_string("{% load request_list %}{% request_result_list cl %}")


def tables(response):
    """The results table as Django's tag and as ours make it, for the list in the response."""
    cl = response.context["cl"]
    context = {"cl": cl, "opts": cl.opts}
    return DJANGOS_TABLE.render(context), OUR_TABLE.render(context)


@pytest.fixture
def every_kind_of_row(make_consultation, admin_user, make_staff_user):
    """Requests that between them fill every column in every way it can read."""
    now = timezone.now()
    admin_user.first_name, admin_user.last_name = "Ann <b>&", "O'Neil"
    admin_user.save()
    nameless = make_staff_user("nameless")
    overdue = make_consultation(
        created_at=subtract_business_days(now, 1) - timedelta(hours=1), assigned_to=admin_user
    )
    make_consultation(
        best_times=[],
        voicemail_ok=True,
        assigned_to=nameless,
        call_language=ConsultationRequest.CallLanguage.OTHER,
        call_language_other='Tigrinya <script>"',
        interpreter=True,
        call_at=now + timedelta(days=1),
    )
    make_consultation(
        phone="+16515550199",
        call_language=ConsultationRequest.CallLanguage.SPANISH,
        call_cancelled_at=now,
        status=Status.CONTACTING,
    )
    make_consultation(phone="+16515550199", status=Status.SCHEDULED)
    not_reached = make_consultation(phone="+16515550177", created_at=now - timedelta(days=5))
    for days_ago in (1, 2, 3):
        CallAttempt.objects.create(
            request=not_reached,
            outcome=Outcome.NO_ANSWER,
            called_at=now - timedelta(days=days_ago),
        )
    CallAttempt.objects.create(request=overdue, outcome=Outcome.WRONG_NUMBER)
    DoNotContact.objects.create(number_key=number_key("+16515550177"), request_id=not_reached.pk)
    make_consultation(status=Status.CLOSED, close_reason="duplicate", best_times=["bogus"])
    make_consultation(status=Status.NOT_A_FIT)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "all"},
        {"status": "all", "o": "-2"},
        {"status": "all", "o": "4.-3"},
        {"status": "all", "o": "11.-12.10"},
        {"status": "all", "o": "1.5.6"},
        {"status": "all", "q": "651"},
        {"assignee": "me", "_facets": "True"},
        {"overdue": "yes"},
        {"not_reached": "yes"},
        {"booked": "cancelled", "status": "all"},
    ],
)
def test_rows_are_the_table_django_makes(admin_client, every_kind_of_row, params):
    response = admin_client.get(CHANGELIST, params)

    djangos, ours = tables(response)
    assert ours == djangos
    assert djangos in response.content.decode()


def test_every_column_and_cell_is_built_by_the_faster_rows(admin_client, every_kind_of_row):
    response = admin_client.get(CHANGELIST, {"status": "all"})

    cl = response.context["cl"]
    assert row_columns(cl) is not None
    html = response.content.decode()
    assert html.count('<td class="action-checkbox"><input type="checkbox"') == 7
    assert html.count('<th class="field-number"><a href="') == 7
    assert "Tigrinya &lt;script&gt;&quot;, with an interpreter" in html
    assert "Ann &lt;b&gt;&amp; O&#x27;Neil" in html


def test_rows_link_to_the_change_page_keeping_the_list_filters(admin_client, make_consultation):
    consultation = make_consultation()

    html = admin_client.get(CHANGELIST, {"status": "all", "o": "-2"}).content.decode()

    change = reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])
    assert (
        f'<a href="{change}?_changelist_filters=status%3Dall%26o%3D-2">#{consultation.pk}</a>'
        in html
    )
    assert (
        f'<input type="checkbox" name="_selected_action" value="{consultation.pk}" '
        f'class="action-select" aria-label="Select this object for an action - '
        f'Request #{consultation.pk}">' in html
    )


def test_sortable_columns_keep_their_sort_links(admin_client, make_consultation):
    make_consultation()

    response = admin_client.get(CHANGELIST, {"o": "2"})

    html = response.content.decode()
    assert 'class="sortable column-received sorted ascending"' in html
    assert '<a role="button" href="?o=-2">Received</a>' in html
    assert '<a role="button" href="?o=1.2">Request</a>' in html
    assert 'class="sortable column-call_count"' in html
    assert 'class="column-best_times_display"' in html


def test_a_list_without_actions_has_no_checkboxes(
    make_staff_user, staff_client_for, make_consultation
):
    viewer = make_staff_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_consultationrequest"))
    make_consultation()

    response = staff_client_for(viewer).get(CHANGELIST)

    djangos, ours = tables(response)
    assert ours == djangos
    assert "action-checkbox" not in response.content.decode()


def test_a_popup_list_is_left_to_djangos_own_rows(admin_client, make_consultation):
    make_consultation()

    response = admin_client.get(CHANGELIST, {"_popup": "1"})

    assert response.status_code == 200
    assert row_columns(response.context["cl"]) is None
    djangos, ours = tables(response)
    assert ours == djangos


def test_the_list_loads_no_contact_details(admin_client, make_consultation):
    make_consultation()

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST)

    request_queries = [q["sql"] for q in queries if "consultations_consultationrequest" in q["sql"]]
    # The count, the page's rows, and how many requests their phone numbers made.
    assert len(request_queries) == 3
    for field in ('."name"', '."phone"', '."email"', '."note"'):
        assert not any(field in sql for sql in request_queries)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_time_waited_reads_as_djangos_timesince(language):
    from django.contrib import admin
    from django.utils import translation
    from django.utils.timesince import timesince

    model_admin = admin.site._registry[ConsultationRequest]
    now = timezone.now()
    # From minutes to months, each a few seconds clear of a minute's turn.
    waits = [timedelta(minutes=minutes, seconds=20) for minutes in range(0, 3000, 7)]
    waits += [timedelta(days=days, hours=days % 24, seconds=20) for days in range(1, 400, 3)]
    with translation.override(language):
        for waited in waits:
            request = ConsultationRequest(created_at=now - waited, status="new")
            assert model_admin.waiting(request) == timesince(now - waited, now), waited


def test_the_filters_are_djangos_own_markup(admin_client, make_consultation, make_staff_user):
    from django.contrib.admin.templatetags.admin_list import admin_list_filter

    colleague = make_staff_user("obrien", groups=["Intake staff"])
    colleague.first_name, colleague.last_name = "Siobhán", 'O\'Brien <"Shiv">'
    colleague.save()
    make_consultation()
    response = admin_client.get(CHANGELIST, {"status": "all", "assignee": "me"})
    html = response.content.decode()
    cl = response.context["cl"]
    # The same markup: Jinja2 leaves out the blank line before and after each, and writes an
    # apostrophe and a double quote as other (equivalent) entities.
    html = html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    djangos = [admin_list_filter(cl, spec).strip() for spec in cl.filter_specs]
    assert len(djangos) == 7
    for markup in djangos:
        assert markup in html
    assert html.count('<details data-filter-title="') == 7
    assert '<li class="selected">\n    <a href="?assignee=me&amp;status=all">All</a></li>' in html
    assert "Siobhán O&#x27;Brien &lt;&quot;Shiv&quot;&gt;</a>" in html


def test_the_media_tags_are_djangos_with_each_pages_own_nonce(admin_client):
    for _ in range(2):
        response = admin_client.get(CHANGELIST)
        html = response.content.decode()
        nonce = str(response.context["csp_nonce"])
        media = response.context["media"]
        assert media["js"].render(attrs={"nonce": nonce}) in html
        assert media["css"].render(attrs={"nonce": nonce}) in html
        assert html.count(f'nonce="{nonce}"') >= len(media._js) + 1
        for asset in ("css/admin.css", "changelists.css", "jsi18n", "jquery.init.js", "filters.js"):
            assert html.count(asset) == 1, asset


def head(html):
    """The page's <head>, without its nonces and the white space between tags."""
    html = re.sub(r'nonce="[^"]*"', "", html[: html.index("</head>")])
    return re.sub(r">\s+<", "><", html)


def test_the_head_of_the_page_is_djangos(admin_client, monkeypatch):
    """The list's template replaces the blocks of Django's that hold its media: what they
    write stays what Django's own template and the site's base write."""
    from django.contrib import admin

    ours = admin_client.get(CHANGELIST)
    model_admin = admin.site._registry[ConsultationRequest]
    monkeypatch.setattr(model_admin, "change_list_template", "admin/change_list.html")
    djangos = admin_client.get(CHANGELIST)

    assert ours.templates[0].name == "admin/consultations/consultationrequest/change_list.html"
    assert djangos.templates[0].name == "admin/change_list.html"
    assert head(ours.content.decode()) == head(djangos.content.decode())


def test_a_results_template_the_project_overrides_for_the_model_is_used(
    admin_client, make_consultation, settings, tmp_path
):
    """The table is written by the Jinja2 copy of Django's template only while Django's own is
    the one its tag would use: an override for the model (or the app, or the admin) wins."""
    folder = tmp_path / "admin" / "consultations" / "consultationrequest"
    folder.mkdir(parents=True)
    (folder / "change_list_results.html").write_text("<p>Our table: {{ results|length }} rows</p>")
    template_settings = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template_settings, "DIRS": [tmp_path, *template_settings["DIRS"]]}]
    make_consultation()

    html = admin_client.get(CHANGELIST).content.decode()

    assert "<p>Our table: 1 rows</p>" in html
    assert 'id="result_list"' not in html
