"""Large reads as polars frames: a query's rows handed over by the database as one text.

A census has a million answers and tens of thousands of frame values: one text of a few
megabytes, split by polars' CSV reader, costs a fraction of a Python tuple per row (see
docs/decisions.md, "The dataset's large reads come as one text each").
"""

from __future__ import annotations

import polars as pl
from django.db import connection

FIELD, ROW = "\x1f", "\x1e"  # ASCII's unit and record separators: see `query_frame`
TEXT_TIME = "%Y-%m-%d %H:%M:%S%.f"  # how SQLite stores a UTC datetime
TEXT_DATE = "%Y-%m-%d"  # how both databases give a date as text


def query_frame(rows, schema: dict[str, pl.DataType]) -> pl.DataFrame:  # noqa: ANN001 - a values_list QuerySet
    """A values_list query's rows as a frame with `schema`, handed over as one text (rows in no set order).

    Fields are joined by FIELD and rows by ROW, which no field holds (JSON escapes control
    characters; keys, modes, sections, pages and frame values are names or checked text); a
    stray one would give a row too many fields or more rows than the database counted, and
    either is an error rather than a shifted column. Datetimes and dates come as text
    (SQLite's as stored; PostgreSQL's datetimes with an offset) and are parsed here in one go.
    """
    sql, params = rows.query.sql_with_params()
    names = [f"c{i}" for i in range(len(schema))]
    joined, joining = _rows_as_text(names)
    with connection.cursor() as cursor:
        query = f"WITH found({', '.join(names)}) AS ({sql}) SELECT count(*), {joined} FROM found"
        cursor.execute(query, (*params, *joining))
        count, text = cursor.fetchone()
    if not count:
        return pl.DataFrame(schema=schema)
    as_read = {name: pl.String if dtype.is_temporal() else dtype for name, dtype in schema.items()}
    try:
        read = pl.read_csv(
            text if isinstance(text, bytes) else text.encode(),
            has_header=False,
            separator=FIELD,
            eol_char=ROW,
            quote_char=None,
            schema=as_read,
            empty_string_is_null=False,
        )
    except pl.exceptions.PolarsError as error:  # a row with more fields than the query has, or fewer
        raise ValueError(f"a stored value holds a character that separates fields or rows: {sql}") from error
    if read.height != count:
        raise ValueError(f"a stored value holds a character that separates fields or rows: {sql}")
    return read.with_columns(_temporal(read[name], dtype) for name, dtype in schema.items() if dtype.is_temporal())


def _rows_as_text(names: list[str]) -> tuple[str, tuple[str, ...]]:
    """The aggregate joining the rows of columns `names` into one text (a field as text, NULL as empty), its params."""
    if connection.vendor == "postgresql":  # concat_ws is its quickest join; it skips NULLs, hence coalesce
        fields = ", ".join(f"coalesce(({name})::text, '')" for name in names)
        return f"string_agg(concat_ws(%s, {fields}), %s)", (FIELD, ROW)
    # As bytes, which polars reads: a text would be decoded into a str only to be encoded again.
    return f"CAST(group_concat(printf(%s, {', '.join(names)}), %s) AS BLOB)", (FIELD.join(["%s"] * len(names)), ROW)


def _temporal(text: pl.Series, dtype: pl.DataType) -> pl.Series:
    """Stored dates or datetimes as text, parsed: datetimes in UTC, SQLite's as stored, PostgreSQL's with an offset."""
    if dtype == pl.Date:
        return text.str.to_date(TEXT_DATE)
    first = text.drop_nulls().first() or ""
    offset = any(sign in first[len("2017-10-04 09:00:00") :] for sign in "+-")
    return text.str.to_datetime(TEXT_TIME + ("%#z" if offset else ""), time_unit="us", time_zone="UTC")
