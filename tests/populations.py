"""A small made-up population (not LAs) for tests that every part follows the population, not the CSO's."""

from pathlib import Path

TINY_SCHEMA = """\
slug: tiny-forums
title: Tiny made-up forums
key: forum_id
name: forum_name
unit:
  noun: forum
  plural: forums
codes:
  forum_id:
    pattern: '^F\\d{3}$'
attributes:
  size_band:
    label: Forum size
    kind: category
    values: [Small, Large]
  charity:
    label: Registered charity
    kind: category
    values: ['Yes', 'No']
merge_fields: [size_band]
profile:
  size_band:
    label: Forum size
  charity:
    label: Registered charity
"""

TINY_FRAME = """\
forum_id,forum_name,size_band,charity
F001,Northshire Forum,Small,Yes
F002,Southshire Forum,Large,No
F003,Eastshire Forum,Small,No
"""


def tiny_population(folder: Path) -> tuple[Path, Path]:
    """Write the made-up population's schema and frame into `folder`; return (schema, frame) paths."""
    schema, frame = folder / "tiny-forums.yaml", folder / "tiny-forums.csv"
    schema.write_text(TINY_SCHEMA, encoding="utf-8")
    frame.write_text(TINY_FRAME, encoding="utf-8")
    return schema, frame
