from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.ConsultationRequestView.as_view(), name="request"),
    path(
        "thanks/",
        TemplateView.as_view(template_name="consultations/thanks.html"),
        name="thanks",
    ),
]
