"""The context every admin page gets: Django's, with the sections list made only on demand."""

from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.urls import reverse

from clinic.admin import ClinicAdminSite

pytestmark = pytest.mark.django_db


def test_every_page_gets_djangos_context(admin_client):
    request = admin_client.get(reverse("admin:index")).wsgi_request

    ours = admin.site.each_context(request)
    djangos = AdminSite.each_context(admin.site, request)

    assert ours.keys() == djangos.keys()
    assert list(ours.pop("available_apps")) == djangos.pop("available_apps")
    assert list(ours.pop("log_entries")) == list(djangos.pop("log_entries"))
    assert ours == djangos


def test_pages_without_the_sidebar_do_not_list_every_section(admin_client):
    assert not admin.site.enable_nav_sidebar
    with mock.patch.object(
        ClinicAdminSite, "get_app_list", autospec=True, return_value=[]
    ) as get_app_list:
        response = admin_client.get(reverse("admin:consultations_consultationrequest_changelist"))

    assert response.status_code == 200
    get_app_list.assert_not_called()
