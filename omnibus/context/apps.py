from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "omnibus.context"
    label = "context"
    default_auto_field = "django.db.models.BigAutoField"
