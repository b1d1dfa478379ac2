"""The outputs pages' URLs (under /office/outputs/)."""

from omnibus.outputs.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
