from django.apps import AppConfig


class CollectConfig(AppConfig):
    name = "omnibus.collect"
    label = "collect"
    default_auto_field = "django.db.models.BigAutoField"
