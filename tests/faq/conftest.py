import pytest
from django.urls import reverse

from clinic.models import StaffProfile

SAME_ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def vote(client):
    """`vote(question, "yes")`: send the vote form as a browser on this site would."""

    def send(question, helpful, headers=SAME_ORIGIN, **fields):
        data = {"helpful": helpful, **fields}
        return client.post(reverse("faq:vote", args=[question.slug]), data, headers=headers)

    return send


@pytest.fixture
def send_note(client):
    """`send_note(question, "text")`: send the "what were you hoping to find" box."""

    def send(question, text, headers=SAME_ORIGIN, **fields):
        data = {"text": text, **fields}
        return client.post(reverse("faq:feedback", args=[question.slug]), data, headers=headers)

    return send


@pytest.fixture
def reviewer(make_staff_user):
    """A clinical reviewer with a public name and credentials."""
    user = make_staff_user("dana", groups=["Clinical reviewers"])
    StaffProfile.objects.create(user=user, public_name="Dana Berg", credentials="MD")
    return user


@pytest.fixture
def editor(make_staff_user):
    return make_staff_user("editor", groups=["Content editors"])


@pytest.fixture
def reviewer_client(staff_client_for, reviewer):
    return staff_client_for(reviewer)


@pytest.fixture
def editor_client(staff_client_for, editor):
    return staff_client_for(editor)
