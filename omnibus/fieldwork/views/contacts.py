"""Back-office screens: contacts."""

urlpatterns: list = []
