"""URL routes of the site."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from omnibus.collect import views as collect_views
from omnibus.site import unit_page, views
from omnibus.site.answers_pdf import answers_email, answers_pdf
from omnibus.site.login import ThrottledLoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<slug:survey>/<str:version>/", views.questionnaire_detail, name="questionnaire"),
    path("frame/", views.frame_list, name="frame"),
    path("survey/copy.pdf", answers_pdf, name="answers_pdf"),
    path("survey/copy/email/", answers_email, name="answers_email"),
    path("survey/", include("omnibus.collect.urls")),
    path("office/coding/", include("omnibus.coding.urls")),
    path("office/outputs/", include("omnibus.outputs.urls")),
    path("office/waves/<slug:slug>/units/<str:key>/", unit_page.unit_page, name="office_unit"),
    path("office/", include("omnibus.fieldwork.urls")),
    # The invitation's link: the code is exchanged for a session and the browser sent to the start page.
    path("s/<str:code>", collect_views.invitation, name="start_with_code"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

handler404 = "omnibus.site.views.not_found"
handler400 = "omnibus.site.views.bad_request"
handler500 = "omnibus.site.views.server_error"
