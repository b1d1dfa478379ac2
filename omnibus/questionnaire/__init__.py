"""The questionnaire language: the model, its loader and checker, routing, rendering.

`kinds` is imported first: it imports the modules its kinds delegate to, and they reach the
kinds only through `Question.kind`, which needs the registry complete (see `kinds`).
"""

from omnibus.questionnaire import kinds  # noqa: F401
