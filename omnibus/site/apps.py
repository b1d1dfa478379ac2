from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "omnibus.site"
    label = "site"
