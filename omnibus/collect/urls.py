"""URL routes of the respondent's survey (under /survey/, and /s/CODE for invitation links)."""

from django.urls import path

from omnibus.collect import linear_views, views

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
    path("stop/", views.stop, name="stop"),
    path("preview/<slug:survey>/<str:version>/", views.preview_version, name="preview"),
]
