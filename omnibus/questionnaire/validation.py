"""Read and check one question's answers as a person typed them: a web page, or a cell of an import.

`read_page` turns the raw values of a submitted page (a mapping of field name to the list of
values the browser sent) into answers, or into errors worded for the respondent in the
GOV.UK style. Values no form could have sent (an unknown code, a field that does not belong
to the page) are not the respondent's mistake but a malformed request: they raise
`MalformedInput`, which the web survey answers with a 400. Each question's kind (`kinds`)
reads its own answers; the page's result and the checks they share are in `reading`.
"""

from __future__ import annotations

from omnibus.questionnaire import as_at, unavailable
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import specify_key
from omnibus.questionnaire.reading import FormData, MalformedInput, PageInput


def page_fields(question: Question, questionnaire: Questionnaire, items: list[str]) -> set[str]:
    """The field names a page for this question may send."""
    kind = kind_of(question)
    if kind.has_items:
        return kind.page_fields(question, items) | unavailable.form_fields(question, items)
    specify = {specify_key(question.id, o.code) for o in questionnaire.options_of(question) if o.specify}
    boxes = unavailable.form_fields(question, [question.id]) | as_at.form_fields(question)
    return {question.id} | specify | boxes if kind.answerable else set()


def read_page(
    question: Question,
    questionnaire: Questionnaire,
    offered: list[Option],
    items: list[str],
    data: FormData,
) -> PageInput:
    """Check a page's raw values against the question; raise MalformedInput for impossible ones."""
    allowed = page_fields(question, questionnaire, items)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MalformedInput(f"fields that are not on this page: {', '.join(unknown[:5])}")
    result = PageInput()
    kind_of(question).read_page(question, offered, items, data, result)
    return result
