"""The researchers' back office for fieldwork, a module per screen: waves and tracking,
contacts, messages, the call log. Each module has its own `urlpatterns`; `urls.py` joins them."""
