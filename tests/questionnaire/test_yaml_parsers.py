"""libyaml and PyYAML's own parser read a questionnaire alike; a refused file gets PyYAML's message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from omnibus.questionnaire import textfile
from omnibus.questionnaire.loader import read, read_text

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = [
    *sorted((ROOT / "examples" / "questionnaires").glob("*.yaml")),
    *sorted((ROOT / "tests" / "questionnaire" / "constructs").glob("*.yaml")),
    ROOT / "tests" / "questionnaires" / "linear.yaml",
    ROOT / "tests" / "fixtures" / "grids.yaml",
]
ODD_BUT_VALID = """\
# a comment
base: &base {a: 1, "b c": [x, 'y', "z\\u00e9"]}
copy: *base
? complex key
: value
folded: >
  one
  two
literal: |-
  line\tone
  line two
plain: a plain
  scalar over lines
empty:
nothing: ~
numbers: [0x1f, 1_000, 1e3, .5, -.inf, 012]
when: 2017-10-04
"""


def tree(node: yaml.Node | None) -> object:
    """A node tree as plain data: each node's tag, line and value."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.start_mark.line, node.value, node.style or "")  # plain: libyaml "", PyYAML None
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, node.start_mark.line, [tree(child) for child in node.value])
    return (node.tag, node.start_mark.line, [(tree(key), tree(value)) for key, value in node.value])


@pytest.mark.skipif(textfile.LIBYAML is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", [*(path.read_text(encoding="utf-8") for path in QUESTIONNAIRES), ODD_BUT_VALID])
def test_libyaml_and_pyyaml_compose_the_same_nodes(text):
    assert tree(yaml.compose(text, Loader=textfile.LIBYAML)) == tree(yaml.compose(text, Loader=yaml.SafeLoader))


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda path: path.name)
def test_a_questionnaire_reads_the_same_without_libyaml(path, monkeypatch):
    with_libyaml = read(path)
    monkeypatch.setattr(textfile, "LIBYAML", None)
    assert read(path) == with_libyaml


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("survey: x\ntitle:\n\tsub: 1\n", (3, "not valid YAML: found character '\\t' that cannot start any token")),
        ("survey: x\ntitle: *nowhere\n", (2, "not valid YAML: found undefined alias 'nowhere'")),
        ("survey: x\ntitle: [a, b\n", (3, "not valid YAML: expected ',' or ']', but got '<stream end>'")),
    ],
)
def test_a_refused_file_gets_pyyaml_s_message(text, problem):
    questionnaire, problems = read_text(text)
    assert questionnaire is None and [(p.line, p.message) for p in problems] == [problem]
