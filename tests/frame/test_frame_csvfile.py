"""The pure-Python frame file checks: every error kind names its line and column."""

from pathlib import Path

import pytest

from omnibus.frame.csvfile import FrameFileError, check_frame_csv, read_frame_csv
from omnibus.frame.schema import load_population

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "frame" / "england-la-2017.csv"
HEADER = "gss_code,dfe_la_code,name,type,region,region_group,cin_rate,cin_band,ofsted"
DURHAM = "E06000047,840,County Durham,unitary,North East,North,351.5,300-400,Good"
DARLINGTON = "E06000005,841,Darlington,unitary,North East,North,408.8,,Inadequate"


@pytest.fixture
def schema():
    return load_population("england-la")


def errors_for(tmp_path: Path, schema, text: str | bytes) -> list[str]:
    path = tmp_path / "la.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return read_frame_csv(path, schema).errors


def test_the_example_file_is_clean(schema):
    rows = check_frame_csv(EXAMPLE, schema)
    assert len(rows) == 152
    durham = next(row for row in rows if row.key == "840")
    assert durham.line == 2
    assert durham.values["name"] == "County Durham"
    assert durham.values["cin_band"] == "300-400"


def test_a_good_file_reads_into_rows_with_canonical_values(tmp_path, schema):
    path = tmp_path / "la.csv"
    path.write_text(f"{HEADER}\n{DURHAM}\n{DARLINGTON.replace('Inadequate', ' inadequate ')}\n")
    result = read_frame_csv(path, schema)
    assert result.errors == []
    assert [row.key for row in result.rows] == ["840", "841"]
    darlington = result.rows[1]
    assert darlington.line == 3
    assert darlington.values["ofsted"] == "Inadequate"  # case and spaces fixed
    assert darlington.values["cin_band"] == "400-500"  # derived from cin_rate
    assert darlington.values["fsm_pct"] == ""  # optional column left out


def test_unknown_column_is_named_on_the_header_line(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER},colour\n{DURHAM},red\n")
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'la.csv'}:1: column colour: unknown column")


def test_missing_key_and_name_columns(tmp_path, schema):
    text = "gss_code,type,region,region_group\nE06000047,unitary,North East,North\n"
    errors = errors_for(tmp_path, schema, text)
    assert any(":1: column dfe_la_code: missing" in e for e in errors)
    assert any(":1: column name: missing" in e for e in errors)


def test_duplicate_key_and_code_name_the_first_line(tmp_path, schema):
    twin = DURHAM.replace("County Durham", "Durham again")
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM}\n{DARLINGTON}\n{twin}\n")
    assert any(":4: column dfe_la_code: duplicate dfe_la_code '840' (also on line 2)" in e for e in errors)
    assert any(":4: column gss_code: duplicate gss_code 'E06000047' (also on line 2)" in e for e in errors)


def test_missing_name(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM.replace('County Durham', '  ')}\n")
    assert errors == [f"{tmp_path / 'la.csv'}:2: column name: missing name: a value is required"]


def test_unparseable_number(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM.replace('351.5', '3.5.1')}\n")
    assert len(errors) == 1
    assert ":2: column cin_rate: " in errors[0] and "is not a number" in errors[0]


def test_value_outside_a_category(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM.replace('North East', 'Narnia')}\n")
    assert len(errors) == 1
    assert ":2: column region: 'Narnia' is not one of: North East, North West" in errors[0]


def test_bad_code_pattern(tmp_path, schema):
    text = f"{HEADER}\n{DURHAM.replace('E06000047', 'W06000001').replace(',840,', ',84,')}\n"
    errors = errors_for(tmp_path, schema, text)
    assert any(":2: column gss_code: 'W06000001' does not match" in e for e in errors)
    assert any(":2: column dfe_la_code: '84' does not match" in e for e in errors)


def test_band_must_agree_with_its_number(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM.replace('300-400', '500+')}\n")
    assert errors == [f"{tmp_path / 'la.csv'}:2: column cin_band: '500+' does not match cin_rate 351.5 (300-400)"]


def test_required_attribute_blank(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM.replace('unitary', '')}\n")
    assert errors == [f"{tmp_path / 'la.csv'}:2: column type: missing type: a value is required"]


def test_empty_file(tmp_path, schema):
    errors = errors_for(tmp_path, schema, "")
    assert len(errors) == 1 and ":1: the file is empty" in errors[0]


def test_header_only(tmp_path, schema):
    errors = errors_for(tmp_path, schema, HEADER + "\n")
    assert errors == [f"{tmp_path / 'la.csv'}:1: the file has a header but no units"]


def test_not_utf8_names_the_line(tmp_path, schema):
    text = f"{HEADER}\n{DURHAM}\n".encode() + "E06000005,841,Darlingt\u00f6n,unitary,North East,North,,,\n".encode(
        "latin-1"
    )
    errors = errors_for(tmp_path, schema, text)
    assert len(errors) == 1
    assert ":3: not UTF-8 text (byte 0xf6)" in errors[0]


def test_byte_order_mark_and_blank_lines_are_fine(tmp_path, schema):
    text = "\ufeff" + f"{HEADER}\r\n\r\n{DURHAM}\r\n,,,,,,,,\r\n"
    assert errors_for(tmp_path, schema, text) == []


def test_wrong_number_of_values(tmp_path, schema):
    errors = errors_for(tmp_path, schema, f"{HEADER}\n{DURHAM},extra\n{DARLINGTON}\n")
    assert errors == [f"{tmp_path / 'la.csv'}:2: this row has 10 values but the header has 9"]


def test_all_errors_are_collected_with_file_line_numbers(tmp_path, schema):
    # A quoted name over two lines (3 and 4): its errors are on line 3, the next row's on 5.
    quoted = DARLINGTON.replace("Darlington", '"Darling\nton"').replace("Inadequate", "Poor")
    text = f"{HEADER}\n{DURHAM.replace('351.5', 'lots')}\n{quoted}\n" + DURHAM.replace("North East", "Mars")
    errors = errors_for(tmp_path, schema, text)
    assert [e.split(": ")[0].rsplit(":", 1)[1] for e in errors] == ["2", "3", "5", "5", "5"]
    assert any("column cin_rate" in e for e in errors)
    assert any("column region: 'Mars'" in e for e in errors)
    assert any("duplicate dfe_la_code" in e for e in errors)


def test_check_raises_with_every_error(tmp_path, schema):
    path = tmp_path / "la.csv"
    path.write_text(f"{HEADER},colour\n{DURHAM.replace('Good', 'Grand')},red\n")
    with pytest.raises(FrameFileError) as caught:
        check_frame_csv(path, schema)
    assert len(caught.value.errors) == 2
