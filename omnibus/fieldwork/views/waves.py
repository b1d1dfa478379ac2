"""Back-office screens: waves."""

urlpatterns: list = []
