"""URL routes of the respondent's survey (under /survey/, and /s/CODE for invitation links)."""

from django.urls import path

from omnibus.collect import linear_views, public, views

app_name = "collect"

urlpatterns = [
    path("", views.start, name="start"),
    path("sections/", views.menu, name="menu"),
    path("sections/<slug:section_id>/", views.section_start, name="section"),
    path("sections/<slug:section_id>/check/", views.check_answers, name="check"),
    path("sections/<slug:section_id>/<slug:question_id>/", views.question, name="question"),
    path("finish/", views.finish, name="finish"),
    path("answers/", linear_views.check_survey, name="answers"),
    path("complete/", views.complete, name="complete"),
    path("copy/", views.answers_copy, name="copy"),
    path("stop/", views.stop, name="stop"),
    path("about/", public.about, name="about"),
    path("privacy/", public.privacy, name="privacy"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("cookies/", public.cookies, name="cookies"),
    path("contact/", public.contact, name="contact"),
    path("preview/<slug:survey>/<str:version>/", views.preview_version, name="preview"),
]
