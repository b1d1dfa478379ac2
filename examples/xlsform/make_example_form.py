"""Write la-support.xlsx: a short XLSForm for trying `omnibus questionnaire import-xlsform`.

The form asks local authorities about the support they used and their social work
workforce. It has what the importer carries over (two groups as sections, a multiple choice
with a "none" choice, a choice filter feeding chosen and not-chosen options through, range,
count and length constraints, relevant with count-selected, ${} piping in labels and a note)
and rows it cannot carry over (metadata, a calculate, a date, a geopoint, a repeat, an
appearance, a relevant using today(), a second language), so the report has something to say.

Run from anywhere: `python examples/xlsform/make_example_form.py`. The output is committed;
rerun it only when this script changes. Then:

    omnibus questionnaire import-xlsform examples/xlsform/la-support.xlsx -o la-support.yaml
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "la-support.xlsx"

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::English (en)",
    "hint::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "calculation",
    "label::Cymraeg (cy)",
]

# One dict per row; keys are SURVEY_COLUMNS (missing keys are empty cells).
SURVEY = [
    {"type": "start", "name": "started"},
    {
        "type": "text",
        "name": "la_name",
        "label::English (en)": "What is the name of your local authority?",
        "label::Cymraeg (cy)": "Beth yw enw eich awdurdod lleol?",
        "required": "yes",
        "constraint": "string-length(.) <= 80",
        "constraint_message": "Please use 80 characters or fewer.",
    },
    {"type": "begin group", "name": "support", "label::English (en)": "Support for improvement"},
    {
        "type": "select_multiple support",
        "name": "sources",
        "label::English (en)": "Which of the following sources of support has ${la_name} used in the last 12 months?",
        "hint::English (en)": "Please select all that apply.",
        "required": "yes",
    },
    {
        "type": "select_one support",
        "name": "most_helpful",
        "label::English (en)": "Which of these sources of support was most helpful?",
        "required": "yes",
        "relevant": "count-selected(${sources}) > 1",
        "choice_filter": "selected(${sources}, name)",
    },
    {
        "type": "select_multiple support",
        "name": "future",
        "label::English (en)": "Would you like to use any of these sources of support in the future?",
        "hint::English (en)": "Please select up to three.",
        "relevant": "not(selected(${sources}, 'none'))",
        "constraint": "count-selected(.) <= 3",
        "constraint_message": "Please select up to three.",
        "choice_filter": "not(selected(${sources}, name))",
    },
    {
        "type": "select_one helpful",
        "name": "helpful_rating",
        "label::English (en)": "How helpful, if at all, was the support from ${most_helpful}?",
        "required": "yes",
        "relevant": "${most_helpful} != ''",
        "appearance": "likert",
    },
    {
        "type": "text",
        "name": "helpful_why",
        "label::English (en)": "Why was ${most_helpful} helpful?",
        "relevant": "${helpful_rating} = '1' or ${helpful_rating} = '2'",
        "constraint": "string-length(.) <= 500",
    },
    {"type": "calculate", "name": "n_sources", "calculation": "count-selected(${sources})"},
    {"type": "end group"},
    {"type": "begin group", "name": "workforce", "label::English (en)": "Social work workforce"},
    {
        "type": "note",
        "name": "workforce_intro",
        "label::English (en)": "The next questions are about the social workers employed by ${la_name}.",
    },
    {
        "type": "select_one yesno",
        "name": "has_vacancies",
        "label::English (en)": "Does ${la_name} have any vacant social worker posts?",
        "required": "yes",
    },
    {
        "type": "integer",
        "name": "vacancies",
        "label::English (en)": "How many social worker posts are vacant?",
        "required": "yes",
        "relevant": "${has_vacancies} = 'yes'",
        "constraint": ". >= 1 and . <= 1000",
        "constraint_message": "Please enter a number from 1 to 1,000.",
    },
    {
        "type": "decimal",
        "name": "agency_share",
        "label::English (en)": "What percentage of your social workers are agency staff?",
        "constraint": ". >= 0 and . <= 100",
    },
    {
        "type": "select_one yesno",
        "name": "vacancies_rising",
        "label::English (en)": "Have vacancies risen in the last year?",
        "relevant": "${vacancies} > 10 and selected(${has_vacancies}, 'yes')",
    },
    {"type": "date", "name": "return_date", "label::English (en)": "When was this return completed?"},
    {"type": "geopoint", "name": "office", "label::English (en)": "Where is your main office?"},
    {"type": "begin repeat", "name": "teams", "label::English (en)": "Teams"},
    {"type": "text", "name": "team_name", "label::English (en)": "Team name"},
    {"type": "integer", "name": "team_size", "label::English (en)": "Number of social workers in the team"},
    {"type": "end repeat"},
    {
        "type": "text",
        "name": "comments",
        "label::English (en)": "Is there anything else you would like to tell us?",
        "relevant": "today() > date('2024-01-01')",
    },
    {"type": "end group"},
]

CHOICES = [
    ("support", "peer", "Coaching and mentoring from another LA"),
    ("support", "sector", "A sector-led improvement programme"),
    ("support", "dfe", "A Department for Education adviser"),
    ("support", "consult", "A commercial consultancy"),
    ("support", "none", "None of these"),
    ("helpful", "1", "Very helpful"),
    ("helpful", "2", "Fairly helpful"),
    ("helpful", "3", "Not very helpful"),
    ("helpful", "4", "Not at all helpful"),
    ("yesno", "yes", "Yes"),
    ("yesno", "no", "No"),
]

SETTINGS = {"form_title": "LA support and workforce (XLSForm example)", "form_id": "la_support", "version": "2024-1"}


def build(path: Path = OUTPUT) -> Path:
    """Write the example form to `path` and return it."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in SURVEY:
        survey.append([row.get(column) for column in SURVEY_COLUMNS])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)"])
    for choice in CHOICES:
        choices.append(list(choice))
    settings = workbook.create_sheet("settings")
    settings.append(list(SETTINGS))
    settings.append(list(SETTINGS.values()))
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(f"Wrote {build()}")
