"""Back-office screens: messages."""

urlpatterns: list = []
