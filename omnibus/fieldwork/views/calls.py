"""Back-office screens: calls."""

urlpatterns: list = []
