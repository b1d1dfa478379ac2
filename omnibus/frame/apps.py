from django.apps import AppConfig


class FrameConfig(AppConfig):
    name = "omnibus.frame"
    label = "frame"
    default_auto_field = "django.db.models.BigAutoField"
