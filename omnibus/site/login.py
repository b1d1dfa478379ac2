"""The back-office sign-in, slowed and then refused after repeated failures from one address.

Failed sign-ins are counted with the same rules as wrong access codes (`omnibus.core.throttle`),
but apart from them: a respondent mistyping a code does not slow a researcher signing in.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from omnibus.core import throttle
from omnibus.core.models import AccessAttempt
from omnibus.core.throttle import client_source

LOGIN = AccessAttempt.LOGIN


class ThrottledLoginView(LoginView):
    """Django's sign-in, refusing with status 429 while the address must wait, and recording each try."""

    template_name = "site/login.html"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        """Check the address may try before the password is even looked at."""
        verdict = throttle.may_try(client_source(request), LOGIN)
        if not verdict.allowed:
            # An unbound form: a bound one would check the password while showing its errors.
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            return self.render_to_response(self.get_context_data(form=form, verdict=verdict), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """A right password: recorded, then signed in."""
        throttle.record_attempt(client_source(self.request), True, LOGIN)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        """A wrong username or password: recorded as a failure."""
        throttle.record_attempt(client_source(self.request), False, LOGIN)
        return super().form_invalid(form)
