"""URL routes of the site."""

from django.urls import path

from omnibus.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<slug:survey>/<str:version>/", views.questionnaire_detail, name="questionnaire"),
    path("frame/", views.frame_list, name="frame"),
]

handler404 = "omnibus.site.views.not_found"
handler400 = "omnibus.site.views.bad_request"
handler500 = "omnibus.site.views.server_error"
