import pytest
from django.urls import reverse

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
