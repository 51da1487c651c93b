from django.urls import path

from . import views

app_name = "faq"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("<slug:slug>/", views.question_detail, name="detail"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/feedback/", views.feedback, name="feedback"),
]
