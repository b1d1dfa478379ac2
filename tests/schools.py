"""A small made-up population of schools, for tests that every part follows the population, not the LAs.

Its own unit noun, codes, attributes, attribution ladder, client attributes and default banner,
written as a YAML file and a frame CSV in the test's folder. `schools_wave` loads the frame and
makes a wave of the Wave 3 questionnaire over it, every school answering (simulated), so who
took part is known: the attribution a quote gets follows from the table below alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

SLUG = "test-schools"
AS_OF = date(2024, 9, 1)
SCHEMA = """\
slug: test-schools
title: Made-up schools
key: urn
name: name
unit: {noun: school}
join_codes: [urn, laestab]
codes:
  urn: {label: Unique reference number, pattern: '^\\d{6}$'}
  laestab: {label: LA and establishment number, pattern: '^\\d{7}$', optional: true}
attributes:
  phase: {label: Phase of education, kind: category, values: [primary, secondary, special]}
  area: {label: Area, kind: category, values: [North, Midlands, South]}
  governance: {label: Governance, kind: category, values: [academy, maintained]}
  pupils: {label: Pupils on roll, kind: number, optional: true}
attribution:
  min_group: 3
  ladder: [[phase, area], [phase]]
client_attributes: [phase]
merge_fields: [area]
profile:
  phase: {label: Phase of education}
  area: {label: Area}
breakdowns: [phase]
"""
# urn, laestab, name, phase, area, governance, pupils
SCHOOLS = (
    ("100001", "9302001", "Alderbrook Primary School", "primary", "North", "academy", "210"),
    ("100002", "9302002", "Beechcroft Primary School", "primary", "North", "maintained", "180"),
    ("100003", "9302003", "Cedarfield Primary School", "primary", "North", "academy", "420"),
    ("100004", "9302004", "Dunmore Primary School", "primary", "North", "maintained", "95"),
    ("100005", "9302005", "Elmstead Primary School", "primary", "South", "academy", "300"),
    ("100006", "9302006", "Fernleigh Primary School", "primary", "Midlands", "maintained", "240"),
    ("100007", "9304001", "Greyfriars Academy", "secondary", "Midlands", "academy", "1100"),
    ("100008", "9304002", "Hollins High School", "secondary", "South", "maintained", "900"),
    ("100009", "9307001", "Ivybridge Special School", "special", "North", "maintained", "80"),
    ("100010", "9307002", "Juniper Special School", "special", "North", "academy", "65"),
    ("100011", "9307003", "Kestrel Special School", "special", "North", "maintained", "120"),
)
# The attribution each school's quote gets (every school took part), by the ladder above.
ATTRIBUTED = {
    "100001": "Primary, North",  # four primaries in the North
    "100005": "Primary",  # the only primary in the South: coarsened to its phase
    "100007": "A school",  # two secondaries in all: fewer than three share anything
    "100009": "Special, North",
}


def write_population(folder: Path) -> tuple[Path, Path]:
    """The schema YAML and the frame CSV, written into `folder`."""
    schema = folder / f"{SLUG}.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    frame = folder / "schools.csv"
    rows = ["urn,laestab,name,phase,area,governance,pupils", *(",".join(row) for row in SCHOOLS)]
    frame.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return schema, frame


def schools_wave(folder: Path, slug: str = "schools-w1"):  # noqa: ANN201 - a Wave
    """Load the schools frame and make a wave of the Wave 3 questionnaire over it, every school answering."""
    from datetime import UTC, datetime

    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from tests.waves import stored_wave3

    schema, frame = write_population(folder)
    load_frame(frame, AS_OF, str(schema))
    opens, closes = datetime(2024, 10, 1, 9, tzinfo=UTC), datetime(2024, 11, 1, 17, tzinfo=UTC)
    wave = create_wave(slug, "Schools survey", stored_wave3(), SLUG, AS_OF, opens, closes)
    simulate(wave, seed=3, response_rate=1.0)
    return wave
