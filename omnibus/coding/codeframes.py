"""Editing a code frame: themes added, renamed, merged and split, and nets of themes.

Every change is one transaction; codings, suggestions and quotes follow a theme that is merged
into another, and a split moves the answers the researcher picks to the new theme.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from omnibus.coding.models import CodeFrame, Coding, Net, Quote, Suggestion, Theme
from omnibus.fieldwork.models import Wave


class CodeFrameError(Exception):
    """A change to a code frame that cannot be made; the message names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def add_theme(
    code_frame: CodeFrame,
    label: str,
    description: str = "",
    code: int | None = None,
    *,
    examples: list[str] | None = None,
    wave: Wave | None = None,
) -> Theme:
    """A new theme, numbered after the last unless a code is given; `wave` is the wave whose coding added it.

    `examples` are phrases an answer with the theme might use (blank lines dropped): suggestions
    read them with the label and description.
    """
    label = _label(label)
    phrases = [" ".join(e.split()) for e in examples or [] if e.strip()]
    if code is None:
        last = code_frame.themes.order_by("-code").values_list("code", flat=True).first()
        code = (last or 0) + 1
    if code < 1:
        raise CodeFrameError("code", "A theme's code must be a whole number from 1")
    if code_frame.themes.filter(label__iexact=label).exists():
        raise CodeFrameError("label", f"There is already a theme called ‘{label}’")
    if code_frame.themes.filter(code=code).exists():
        raise CodeFrameError("code", f"Code {code} is already used by another theme")
    try:
        return Theme.objects.create(
            frame=code_frame, code=code, label=label, description=description.strip(), examples=phrases, added_in=wave
        )
    except IntegrityError:  # a colleague added the same theme a moment ago
        raise CodeFrameError("label", f"There is already a theme called ‘{label}’ or with code {code}") from None


@transaction.atomic
def merge_themes(keep: Theme, others: list[Theme]) -> int:
    """Fold `others` into `keep`: their codings, open suggestions, quotes and nets follow. Returns codings moved."""
    moved = 0
    for other in others:
        if other.pk == keep.pk or other.frame_id != keep.frame_id:
            raise CodeFrameError("themes", "Choose other themes of the same frame to merge")
        for coding in Coding.objects.filter(theme=other).select_for_update():
            if Coding.objects.filter(wave_unit=coding.wave_unit, variable=coding.variable, theme=keep).exists():
                coding.delete()  # the answer already had the kept theme
            else:
                coding.theme = keep
                coding.save(update_fields=["theme"])
                moved += 1
        Suggestion.objects.filter(theme=other).delete()
        Quote.objects.filter(theme=other).update(theme=keep)
        for net in other.nets.all():
            net.themes.add(keep)
        other.delete()
    return moved


@transaction.atomic
def split_theme(
    theme: Theme, label: str, wave_unit_ids: list[int], description: str = "", wave: Wave | None = None
) -> Theme:
    """A new theme taking the chosen answers' codings from `theme` (the rest keep it)."""
    new = add_theme(theme.frame, label, description, wave=wave)
    for coding in Coding.objects.filter(theme=theme, wave_unit_id__in=wave_unit_ids).select_for_update():
        coding.theme = new
        coding.save(update_fields=["theme"])
    Quote.objects.filter(theme=theme, wave_unit_id__in=wave_unit_ids).update(theme=new)
    return new


def set_net(code_frame: CodeFrame, label: str, themes: list[Theme]) -> Net:
    """Make (or remake) a net of themes; a net needs at least two themes."""
    label = _label(label)
    if len(themes) < 2:
        raise CodeFrameError("themes", "Choose at least two themes for a net")
    if any(t.frame_id != code_frame.pk for t in themes):
        raise CodeFrameError("themes", "A net's themes must all belong to this frame")
    with transaction.atomic():
        net, _ = Net.objects.get_or_create(frame=code_frame, label=label)
        net.themes.set(themes)
    return net


def _label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        raise CodeFrameError("label", "Enter a label for the theme")
    if len(label) > 200:
        raise CodeFrameError("label", "A label must be 200 characters or fewer")
    return label
