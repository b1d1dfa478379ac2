"""Store checked questionnaire files as versions that waves can bind to."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from omnibus.fieldwork.models import QuestionnaireVersion
from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.model import Questionnaire


class VersionConflict(Exception):
    """A different file was loaded before under the same survey and version label."""


def store_questionnaire(path: Path, replace: bool = False) -> tuple[QuestionnaireVersion, bool]:
    """Check a questionnaire file and keep it; returns the version and whether it changed.

    Raises QuestionnaireError for a file with mistakes (nothing is stored) and
    VersionConflict when the label is taken by different content and `replace` is False, or
    by a version a wave uses (whatever `replace` says): a version label must always mean the
    same questions.
    """
    questionnaire = load(path)
    text = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        existing = (
            QuestionnaireVersion.objects.select_for_update()
            .filter(survey=questionnaire.survey, version=questionnaire.version)
            .first()
        )
        if existing is not None and existing.sha256 == digest:
            return existing, False
        if existing is not None and existing.waves.exclude(kind="preview").exists():
            raise VersionConflict(
                f"{path}: {questionnaire.survey} {questionnaire.version} is used by a wave, so it cannot change; "
                "give the changed questionnaire a new version label"
            )
        if existing is not None and not replace:
            raise VersionConflict(
                f"{path}: {questionnaire.survey} {questionnaire.version} is already loaded with different "
                "content; give the changed questionnaire a new version label, or use --replace"
            )
        stored = existing or QuestionnaireVersion(survey=questionnaire.survey, version=questionnaire.version)
        stored.title = questionnaire.title
        stored.source_name = path.name
        stored.source_text = text
        stored.sha256 = digest
        stored.save()
        return stored, True


def questionnaire_of(stored: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire a stored version holds (it was checked when it was stored).

    Parsed once per process and version, found by the version's id and digest: a stored
    version never changes (a replaced one has a new digest), so every caller, on every server,
    gets the same questions, and a version read without its text (tens of kilobytes) is not
    read again.
    """
    return questionnaire_of_version(stored.pk, stored.sha256)


def questionnaire_of_version(pk: int, sha256: str) -> Questionnaire:
    """The questionnaire of the stored version with this id and digest, its text read from the database only on
    a miss (what a survey page knows from the row it reads anyway)."""
    return _parsed_version(pk, sha256)


@lru_cache(maxsize=32)
def _parsed_version(pk: int, sha256: str) -> Questionnaire:
    # pk and sha256 make the key; the text is read and parsed on a miss.
    text, name = QuestionnaireVersion.objects.values_list("source_text", "source_name").get(pk=pk)
    questionnaire, problems = read_text(text, name)
    if questionnaire is None or problems:
        raise ValueError(f"stored questionnaire {pk} no longer reads: {problems[:1]}")
    return questionnaire
