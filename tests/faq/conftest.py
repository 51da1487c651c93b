import pytest

from clinic.models import StaffProfile


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
