"""The words of the respondent's public pages: the questionnaire's `about:` block, the deployment's settings, defaults.

The start page and the footer pages (privacy notice, accessibility statement, cookies, contact)
are written from one `ServiceWords`, so another survey fills its own by writing its `about:`
block, and a deployment (`OMNIBUS_SERVICE_*`, see `core.settings.RESPONDENT_SERVICE`) can put in
the contact and privacy parts or override them. What neither gives is a plain default that names
the survey and its sponsor, so every page is publishable as it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from omnibus.questionnaire.model import About, Contact, Questionnaire

# The parts a deployment may set (the keys of settings.RESPONDENT_SERVICE).
DEPLOYMENT_KEYS = ("contact_name", "contact_email", "contact_phone", "data_controller", "privacy", "retention")


@dataclass(frozen=True)
class ServiceWords:
    """Everything the public pages say about a survey, each part filled."""

    title: str
    sponsor: str
    research_team: str
    purpose: str
    time: str
    confidentiality: str
    contact_name: str
    contact_email: str
    contact_phone: str
    data_controller: str
    privacy: str
    retention: str
    introduction: str | None = None  # the questionnaire's own introduction text, when it has one
    structured: bool = False  # whether the questionnaire has an `about:` block

    @property
    def runner(self) -> str:
        """Who runs the survey: the research team, or the sponsor when there is none."""
        return self.research_team or self.sponsor


def service_words(questionnaire: Questionnaire | None, deployment: Mapping[str, str] | None = None) -> ServiceWords:
    """The public pages' words for a questionnaire (None: no survey is known, so general words)."""
    deployment = settings.RESPONDENT_SERVICE if deployment is None else deployment
    about = questionnaire.about if questionnaire and questionnaire.about else About()
    contact = about.contact or Contact()
    title = questionnaire.title if questionnaire else "This survey"
    sponsor = about.sponsor or "the organisation that commissioned it"
    runner = about.research_team or sponsor
    given = {
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "data_controller": about.data_controller,
        "privacy": about.privacy,
        "retention": about.retention,
    }
    given.update({key: value for key, value in deployment.items() if key in DEPLOYMENT_KEYS and value})
    defaults = _defaults(title, sponsor, runner)
    words = {key: given.get(key) or defaults[key] for key in DEPLOYMENT_KEYS}
    return ServiceWords(
        title=title,
        sponsor=sponsor,
        research_team=about.research_team,
        purpose=about.purpose or f"{title} is carried out for {sponsor}.",
        time=about.time,
        confidentiality=about.confidentiality or defaults["confidentiality"],
        introduction=questionnaire.introduction if questionnaire else None,
        structured=questionnaire is not None and questionnaire.about is not None,
        **words,
    )


def _defaults(title: str, sponsor: str, runner: str) -> dict[str, str]:
    return {
        "contact_name": f"the {title} research team" if title != "This survey" else "the research team",
        "contact_email": "",
        "contact_phone": "",
        "data_controller": sponsor,
        "privacy": (
            f"Your organisation's answers are used only for the research {runner} carries out for {sponsor}. "
            "Published results show figures for all responding organisations together, never one "
            "organisation's answers by name. The names, roles and email addresses of the people who "
            "answer are used only to run the survey."
        ),
        "retention": (
            "Contact details are deleted once the survey's fieldwork is over and the answers have been "
            "checked. Answers are kept for comparison with later rounds of the survey."
        ),
        "confidentiality": f"{runner} keeps your answers confidential and uses them only for this research.",
    }
