from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "omnibus.coding"
    label = "coding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Coded themes join every dataset built from here on, and the worker suggests codes for new answers.

        Both are handed down because the layers below (dataset, fieldwork) cannot import coding.
        """
        from omnibus.coding.arrivals import SWEEP_EVERY, suggest_for_arrivals
        from omnibus.coding.codings import dataset_with_themes
        from omnibus.dataset.build import add_variable_source
        from omnibus.fieldwork.worker import add_periodic

        add_variable_source(dataset_with_themes)
        add_periodic("suggestions for new answers", suggest_for_arrivals, SWEEP_EVERY)
