from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "omnibus.coding"
    label = "coding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Coded themes join every dataset built from here on (the dataset cannot import coding)."""
        from omnibus.coding.codings import dataset_with_themes
        from omnibus.dataset.build import add_variable_source

        add_variable_source(dataset_with_themes)
