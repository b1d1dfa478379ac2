"""bench/survey_load.py reads survey pages with a regex, not an HTML parser: it must read what a parser reads.

The regex relies on the templates quoting every attribute value with ", as they do today; a
template that quoted with ' or not at all would make the load generator miss a field, and this
test says so before a benchmark reports false routing errors.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.fuzzing import question_pages

from .conftest import answer, signed_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from survey_load import Form  # noqa: E402 - after the path is set


class ParsedForm(HTMLParser):
    """The tags read by the standard library's HTML parser, collected as survey_load.Form collects them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.fields: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect inputs, text areas and links: only the reading of tags differs from the regex's."""
        if tag in ("input", "textarea", "a"):
            Form.read(self, tag, {k: v or "" for k, v in attrs})  # type: ignore[arg-type] - same attributes


@pytest.mark.django_db
def test_every_survey_page_reads_as_an_html_parser_reads_it(unit, questionnaire) -> None:  # noqa: ANN001
    client = signed_in(unit)
    first = questionnaire.sections[0]
    # An answer typed with quotes, an ampersand and a tag, shown back in the page's attributes and text.
    text = next((q for q in first.questions if q.type == "text"), None)
    if text is not None:
        answer(client, first.id, text.id, {text.id: 'Café "quoted" & <b>not bold</b>'})
    paths = ["/survey/", "/survey/sections/", "/survey/finish/"]
    paths += [f"/survey/sections/{page}/" for page in question_pages(questionnaire)]
    paths += [f"/survey/sections/{section.id}/check/" for section in questionnaire.sections]
    read = 0
    for path in paths:
        html = client.get(path, follow=True).content.decode()
        form, parsed = Form(html), ParsedForm(html)
        assert (form.hidden, form.fields, form.links) == (parsed.hidden, parsed.fields, parsed.links), path
        read += bool(form.fields or form.hidden)
    assert read > len(paths) // 2  # most pages carry a form: the comparison is not of empty readings
