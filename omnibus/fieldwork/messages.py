"""Message templates with merge fields, audiences of a wave, recipients, and previews.

A template is a small text file (see examples/messages/): header lines `subject:` and
optionally `attach: excel-copy`, a line `---`, then the body. Merge fields are written
`{{ field }}`: the fields in `FIELDS` (the unit's name and the survey's fields) and the frame
columns the wave's population declares as `merge_fields` (read as the frame stood on the wave's
frame date). A template naming any other field, or using any other `{{`/`{%` syntax, is refused
when it is loaded, with the file, line and the fields there are. The values are pasted in as
plain text (the emails are plain text), so a unit's name can never inject anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from omnibus.analysis.profile import counted_sections
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.progress import Response, UnitProgress, unit_progress, wave_progress
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.fieldwork.waves import start_link
from omnibus.frame.schema import PopulationSchema
from omnibus.frame.store import stored_schema, unit_values
from omnibus.questionnaire import textfile

FIELDS = {
    "unit_name": "the unit's name (as in the wave's frame)",
    "contact_name": "the recipient's name (or 'colleague')",
    "link": "the link that signs the unit in with its code",
    "access_code": "the unit's access code",
    "closing_date": "the day the wave closes, e.g. Friday 13 October 2017",
    "sections_to_do": "the sections not yet completed, one per line",
    "survey_title": "the wave's title",
}
ATTACH_COPY = "excel-copy"
MERGE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Anything else that looks like template syntax is a mistake, not text to send as is.
STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")
TEMPLATE_DIR = Path(settings.PROJECT_DIR) / "examples" / "messages"


class TemplateError(Exception):
    """A template that cannot be used; the message names the file, line and field."""


class AudienceError(Exception):
    """An audience that is not one of the known ones."""


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to."""

    name: str
    email: str


@dataclass(frozen=True)
class Template:
    """A checked message template."""

    name: str
    subject: str
    body: str
    attach_copy: bool
    text: str  # the file as read, kept with the campaign


@dataclass(frozen=True)
class Rendered:
    """A message with its merge fields filled."""

    subject: str
    body: str


def merge_fields(schema: PopulationSchema | None) -> dict[str, str]:
    """Every field a message to a unit of the population may merge, name to what it holds."""
    if schema is None:
        return dict(FIELDS)
    frame = {name: f"the unit's {schema.column(name).label or name} in the frame" for name in schema.merge_fields}
    return frame | FIELDS  # a frame column of the same name as a survey field does not replace it


def wave_fields(wave: Wave) -> dict[str, str]:
    """The merge fields of the wave's messages (a preview wave, of no population, has the fixed ones)."""
    return merge_fields(stored_schema(wave.population) if wave.population_id else None)


def parse_template(text: str, name: str, fields: dict[str, str] = FIELDS, where: str = "") -> Template:
    """Check a template's text against the merge `fields` and split it into subject, body and options.

    Errors name `where` (the file), else the template's name."""
    template, name = name, where or name
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise TemplateError(f"{name}: the header (subject: ...) must end with a line '---' before the body")
    headers = _headers(head, name)
    if "subject" not in headers:
        raise TemplateError(f"{name}: line 1: the header has no 'subject:' line")
    attach = headers.get("attach", "")
    if attach not in ("", ATTACH_COPY):
        raise TemplateError(f"{name}: 'attach:' can only be {ATTACH_COPY!r}, not {attach!r}")
    _check_fields(text, name, fields)
    return Template(template, headers["subject"], body.strip("\n") + "\n", attach == ATTACH_COPY, text)


def _headers(head: str, name: str) -> dict[str, str]:
    found = {}
    for number, line in enumerate(head.splitlines(), start=1):
        key, colon, value = line.partition(":")
        if not line.strip():
            continue
        if not colon or key.strip().lower() not in ("subject", "attach"):
            raise TemplateError(f"{name}: line {number}: expected 'subject:' or 'attach:', found {line!r}")
        found[key.strip().lower()] = value.strip()
    return found


def _check_fields(text: str, name: str, fields: dict[str, str]) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        for match in MERGE.finditer(line):
            if match.group(1) not in fields:
                known = ", ".join(sorted(fields))
                raise TemplateError(f"{name}: line {number}: unknown merge field {match.group(1)!r} (fields: {known})")
        if STRAY.search(MERGE.sub("", line)):
            raise TemplateError(f"{name}: line {number}: only {{{{ field }}}} is allowed here, found {line.strip()!r}")


def load_template(ref: str | Path, fields: dict[str, str] = FIELDS) -> Template:
    """A template from a file, or by name from examples/messages/ (`invitation` is invitation.md),
    checked against the merge `fields` (`wave_fields` of the wave it is for)."""
    path = Path(ref)
    if not path.is_file():
        path = TEMPLATE_DIR / f"{ref}.md"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in TEMPLATE_DIR.glob("*.md"))) or "none"
        raise TemplateError(f"no template file {ref!r} (templates in {TEMPLATE_DIR}: {known})")
    try:
        return parse_template(textfile.read_text(path, textfile.SPEC_BYTES), path.stem, fields, str(path))
    except textfile.TextFileError as error:
        raise TemplateError(error.located(str(path))) from None
    except OSError as error:
        raise TemplateError(f"{path}: cannot read the file: {error.strerror or error}") from None


def fill(template: Template, values: dict[str, str]) -> Rendered:
    """The template with its fields filled; the values are plain text, pasted in once."""

    def one(text: str) -> str:
        return MERGE.sub(lambda m: values[m.group(1)], text)

    return Rendered(one(template.subject), one(template.body))


class BaseUrlError(Exception):
    """No address to put in links: no base URL is configured and there is no request to ask."""


NO_BASE_URL = (
    "no base URL is configured, so the links in these messages would point at an unknown host: set "
    "OMNIBUS_BASE_URL to the address respondents reach the site at (for example https://survey.example.org), "
    "or send from the back office, whose links use the address it is served on"
)
# Links made with neither a base URL nor a request (a preview on the command line, the codes export):
# the address `omnibus serve` and the demo listen on by default.
LOCAL_BASE_URL = "http://127.0.0.1:8000"


def links_base(request: HttpRequest | None = None) -> str:
    """The address links in messages start with: OMNIBUS_BASE_URL when configured, else the request's own.

    The request's host has passed ALLOWED_HOSTS, so a forged Host header cannot choose it. Without
    either, BaseUrlError: a campaign queued from the command line must not link to a guessed host.
    """
    if settings.BASE_URL:
        return settings.BASE_URL
    if request is not None:
        return request.build_absolute_uri("/")
    raise BaseUrlError(NO_BASE_URL)


def merge_values(wave_unit: WaveUnit, recipient: Recipient, base_url: str = "") -> dict[str, str]:
    """Every merge field's value for one unit and recipient (unseals the unit's code).

    `base_url` is the address links start with (a campaign keeps the one it was queued with).
    """
    wave = wave_unit.wave
    code = unseal(wave_unit.code_sealed)
    todo = sections_to_do(wave_unit)
    fields = wave_fields(wave)
    frame = unit_values(wave_unit.unit_id, wave.frame_as_of, list(fields)) if wave_unit.unit_id else {}
    return {name: frame.get(name, "") for name in fields} | {
        "unit_name": wave_unit.name,
        "contact_name": recipient.name or "colleague",
        "link": start_link(base_url or settings.BASE_URL or LOCAL_BASE_URL, code),
        "access_code": code,
        "closing_date": _day(wave),
        "sections_to_do": "\n".join(f"- {title}" for title in todo.values()) or "- (none: all sections are complete)",
        "survey_title": wave.title,
    }


def _day(wave: Wave) -> str:
    local = timezone.localtime(wave.closes_at)
    return f"{local:%A} {local.day} {local:%B %Y}"


def render_for(template: Template, wave_unit: WaveUnit, recipient: Recipient, base_url: str = "") -> Rendered:
    """The message one recipient of one unit gets, its links starting with `base_url`."""
    return fill(template, merge_values(wave_unit, recipient, base_url))


def preview(template: Template, wave_unit: WaveUnit, base_url: str = "") -> list[tuple[Recipient, Rendered]]:
    """What each recipient of the unit would get (a placeholder recipient when it has none); sends nothing."""
    people = recipients_for(wave_unit) or [Recipient("", "(no contact yet)")]
    return [(person, render_for(template, wave_unit, person, base_url)) for person in people]


# --- Recipients -------------------------------------------------------------------------------


def recipients_for(wave_unit: WaveUnit) -> list[Recipient]:
    """The people a unit's messages go to: its contacts with an email, the main contact first.

    Reads `wave_unit.contacts` when the Contact model provides it, and finds nobody otherwise,
    so this module works before and after contacts exist.
    """
    manager = getattr(wave_unit, "contacts", None)
    if manager is None:
        return []
    rows = list(manager.all())
    rows.sort(key=lambda c: (not getattr(c, "is_main", False), getattr(c, "pk", 0) or 0))
    return [Recipient(getattr(c, "name", "") or "", c.email) for c in rows if getattr(c, "email", "")]


# --- Sections and audiences -------------------------------------------------------------------


def menu_of(wave: Wave) -> dict[str, str]:
    """The sections a unit is asked to complete, id to title, in menu order."""
    return {section.id: section.title for section in counted_sections(questionnaire_of(wave.questionnaire))}


def sections_to_do(wave_unit: WaveUnit, menu: dict[str, str] | None = None) -> dict[str, str]:
    """The unit's menu sections not yet completed, id to title."""
    menu = menu if menu is not None else menu_of(wave_unit.wave)
    return {sid: menu[sid] for sid in unit_progress(wave_unit).to_do if sid in menu}


AUDIENCES = {
    "everyone": "every unit of the wave",
    "not-started": "units that have not started any section",
    "partial": "units that have started but not completed every section",
    "unfinished": "units that have not completed every section (not started and partial)",
    "section:ID": "units that have not completed section ID",
}


def audience_filter(audience: str, menu: dict[str, str]) -> Callable[[UnitProgress], bool]:
    """A test of a unit's progress for the audience; AudienceError for an unknown one."""
    if audience.startswith("section:"):
        sid = audience.partition(":")[2]
        if sid not in menu:
            raise AudienceError(f"no section {sid!r} on the menu (sections: {', '.join(menu)})")
        return lambda progress: progress.sections.get(sid) != Response.COMPLETE
    tests = {
        "everyone": lambda progress: True,
        "not-started": lambda progress: progress.response == Response.NONE,
        "partial": lambda progress: progress.response == Response.PARTIAL,
        "unfinished": lambda progress: progress.response != Response.COMPLETE,
    }
    if audience not in tests:
        raise AudienceError(f"unknown audience {audience!r} (audiences: {', '.join(AUDIENCES)})")
    return tests[audience]


def select_units(wave: Wave, audience: str) -> list[WaveUnit]:
    """The wave's units in the audience, by name."""
    wanted = audience_filter(audience, menu_of(wave))
    units = list(wave.units.select_related("wave").order_by("name"))
    progress = wave_progress(wave)
    return [u for u in units if wanted(progress[u.pk])]
