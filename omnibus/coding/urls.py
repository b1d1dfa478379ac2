"""The coding screens' URLs (under /office/coding/)."""

from omnibus.coding.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
