"""The back office's URLs (under /office/): each screen module brings its own patterns."""

from omnibus.fieldwork.views import calls, contacts, messages, waves

app_name = "office"

urlpatterns = waves.urlpatterns + contacts.urlpatterns + messages.urlpatterns + calls.urlpatterns
