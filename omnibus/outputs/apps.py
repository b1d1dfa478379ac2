from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "omnibus.outputs"
    label = "outputs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Every worker also gives up builds whose task died with its worker (fieldwork cannot import outputs)."""
        from omnibus.fieldwork.worker import add_periodic
        from omnibus.outputs.tasks import RECOVER_EVERY, recover_builds

        add_periodic("stopped output builds", recover_builds, RECOVER_EVERY)
