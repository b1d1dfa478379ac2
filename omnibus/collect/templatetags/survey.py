"""Template filters for the survey: questionnaire prose (paragraphs, lists, **bold**) as safe HTML."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from omnibus.questionnaire.printed import bold_spans, paragraphs

register = template.Library()


def _inline(text: str) -> SafeString:
    # Every span is escaped by format_html; only the <strong> we add is markup.
    return format_html_join(
        "", "{}", ((format_html("<strong>{}</strong>", t) if bold else t,) for t, bold in bold_spans(text))
    )


@register.filter
def prose(text: str | None, css: str = "govuk-body") -> SafeString:
    """Paragraphs and "- " lists of questionnaire text as GOV.UK HTML, everything escaped."""
    parts = []
    for block in paragraphs(text):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((_inline(line[2:]),) for line in lines))
            parts.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
        else:
            parts.append(format_html('<p class="{}">{}</p>', css, _inline(" ".join(lines))))
    return mark_safe("".join(parts))  # noqa: S308 - each part was built with format_html


@register.filter
def question_number(number: str | None) -> SafeString:
    """The question's printed number ("Q9a") before its text, or nothing for an unnumbered question.

    A filter rather than an included template: it is shown on every question page and on
    each row of Check your answers, where an include costs several times as much.
    """
    return format_html('<span class="omnibus-question-number">{}</span> ', number) if number else mark_safe("")
