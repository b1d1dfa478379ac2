"""What commands read from the command line: a wave by its name, a date, a time. Mistakes become click errors.

Every command that names a wave finds it here, so the message for an unknown wave (it lists
the waves there are) is the same everywhere. Imported only once Django is set up.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from django.utils import timezone

from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.waves import WaveError, wave_by_slug


def wave_named(slug: str) -> Wave:
    """The wave called `slug`, or stop with a message naming the waves there are."""
    try:
        return wave_by_slug(slug)
    except WaveError as error:
        raise click.ClickException(str(error)) from None


def date_given(text: str, what: str) -> date:
    """A date typed as YYYY-MM-DD, or a usage error naming the option it was given to."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date like 2018-03-31", param_hint=what) from None


def moment_given(text: str, what: str) -> datetime:
    """A date or date-time typed as 2017-10-02 or 2017-10-02T09:00, in the service's time zone."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date-time or a date, like 2017-10-02T09:00 or 2017-10-02", param_hint=what
        ) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value
