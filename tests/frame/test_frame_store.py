"""Loading frames into the database and reading the frame as it stood on a date."""

from datetime import date
from pathlib import Path

import pytest

from omnibus.frame.csvfile import FrameFileError
from omnibus.frame.models import AttributeValue, FrameVersion, Membership, Population, Unit
from omnibus.frame.store import FrameError, frame_as_of, frame_table, load_frame

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "frame"
HEADER = "gss_code,dfe_la_code,name,type,region,region_group,ofsted"
DURHAM = "E06000047,840,County Durham,unitary,North East,North,Good"
DARLINGTON = "E06000005,841,Darlington,unitary,North East,North,Inadequate"
HARTLEPOOL = "E06000001,805,Hartlepool,unitary,North East,North,"
A, B = date(2017, 9, 1), date(2018, 9, 1)

# Loading frames into a database that has none: the set-up's frame and wave are set aside.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def write(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def counts() -> tuple[int, ...]:
    models = (Population, Unit, FrameVersion, Membership, AttributeValue)
    return tuple(model.objects.count() for model in models)


def unit(frame, key):
    return next(u for u in frame.units if u.key == key)


@pytest.fixture
def file_a(tmp_path):
    return write(tmp_path, "a.csv", DURHAM, DARLINGTON)


@pytest.fixture
def file_b(tmp_path):
    return write(tmp_path, "b.csv", DURHAM, DARLINGTON.replace("Inadequate", "Good"), HARTLEPOOL)


def test_round_trip_of_the_152_la_example():
    version = load_frame(EXAMPLES / "england-la-2017.csv", A)
    assert (version.row_count, version.new_units, version.changed_values) == (152, 152, 0)
    assert len(version.sha256) == 64 and version.source_name == "england-la-2017.csv"
    frame = frame_as_of("england-la", date(2017, 10, 4))
    assert (frame.version_as_of, frame.as_of, len(frame.units)) == (A, date(2017, 10, 4), 152)
    assert frame.title == "Upper-tier local authorities in England"
    durham = unit(frame, "840")
    assert durham.name == "County Durham"
    assert durham.codes == {"gss_code": "E06000047", "dfe_la_code": "840"}
    assert durham.attributes["cin_rate"] == 351.5
    assert durham.attributes["cla_rate"] == 68
    assert durham.attributes["cin_band"] == "300-400"
    assert durham.attributes["ofsted"] == "Requires improvement to be good"
    types = [u.attributes["type"] for u in frame.units]
    assert types.count("county") == 27 and types.count("unitary") == 56


def test_a_bad_file_loads_nothing(tmp_path, file_a):
    load_frame(file_a, A)
    before = counts()
    bad = write(tmp_path, "bad.csv", DURHAM, DARLINGTON.replace("Inadequate", "Awful"), "x,999,,,,,")
    with pytest.raises(FrameFileError) as caught:
        load_frame(bad, B)
    assert len(caught.value.errors) >= 3
    assert counts() == before


def test_dated_lookups_between_and_before_versions(file_a, file_b):
    load_frame(file_a, A)
    load_frame(file_b, B)
    assert unit(frame_as_of(as_of=date(2018, 1, 1)), "841").attributes["ofsted"] == "Inadequate"
    assert len(frame_as_of(as_of=date(2018, 1, 1)).units) == 2
    later = frame_as_of(as_of=date(2030, 1, 1))
    assert (later.version_as_of, len(later.units)) == (B, 3)
    assert unit(later, "841").attributes["ofsted"] == "Good"
    assert unit(later, "805").attributes["ofsted"] is None
    assert frame_as_of().version_as_of == B
    with pytest.raises(FrameError, match="earliest is as of 2017-09-01"):
        frame_as_of(as_of=date(2017, 8, 31))


def test_unchanged_values_are_not_duplicated(file_a, file_b):
    load_frame(file_a, A)
    version = load_frame(file_b, B)
    assert (version.new_units, version.changed_values) == (1, 1)
    assert not AttributeValue.objects.filter(unit__key="840", valid_from=B).exists()
    changed = AttributeValue.objects.get(unit__key="841", valid_from=B)
    assert (changed.name, changed.value) == ("ofsted", "Good")


def test_loading_out_of_order_keeps_later_versions_as_loaded(file_a, file_b):
    load_frame(file_b, B)
    load_frame(file_a, A)
    assert unit(frame_as_of(as_of=A), "841").attributes["ofsted"] == "Inadequate"
    assert unit(frame_as_of(as_of=B), "841").attributes["ofsted"] == "Good"
    # Durham said the same in both files, so its values dated B were redundant and are gone.
    assert not AttributeValue.objects.filter(unit__key="840", valid_from=B).exists()


def test_reloading_a_date_replaces_it_and_later_versions_still_read_their_own_file(tmp_path, file_a, file_b):
    load_frame(file_a, A)
    version_b = load_frame(file_b, B)
    fixed = write(tmp_path, "a2.csv", DURHAM.replace("Good", "Outstanding"))
    version_a = load_frame(fixed, A)
    assert version_a.row_count == 1
    assert FrameVersion.objects.count() == 2
    frame_a = frame_as_of(as_of=A)
    assert [u.key for u in frame_a.units] == ["840"]
    assert unit(frame_a, "840").attributes["ofsted"] == "Outstanding"
    assert unit(frame_as_of(as_of=B), "840").attributes["ofsted"] == "Good"
    # Darlington left version A, but version B still reads its own values.
    assert unit(frame_as_of(as_of=B), "841").name == "Darlington"
    reloaded_b = load_frame(file_b, B)
    assert reloaded_b.pk == version_b.pk  # a wave bound to the version stays bound


def test_frame_changes_from_2017_to_2020():
    load_frame(EXAMPLES / "england-la-by-year" / "england-la-2017.csv", date(2017, 9, 1))
    version = load_frame(EXAMPLES / "england-la-by-year" / "england-la-2020.csv", date(2020, 9, 1))
    assert (version.new_units, version.left_units) == (2, 3)
    before = frame_as_of(as_of=date(2019, 6, 1))
    after = frame_as_of(as_of=date(2020, 9, 1))
    assert (len(before.units), len(after.units)) == (152, 151)
    keys_before = {u.key for u in before.units}
    keys_after = {u.key for u in after.units}
    assert keys_before - keys_after == {"835", "836", "837"}  # Dorset county, Poole, Bournemouth
    assert keys_after - keys_before == {"838", "839"}  # Dorset unitary, BCP
    assert unit(after, "839").name == "Bournemouth, Christchurch and Poole"
    bucks_before, bucks_after = unit(before, "825"), unit(after, "825")
    assert (bucks_before.codes["gss_code"], bucks_before.attributes["type"]) == ("E10000002", "county")
    assert (bucks_after.codes["gss_code"], bucks_after.attributes["type"]) == ("E06000060", "unitary")


def test_unknown_population_and_nothing_loaded():
    with pytest.raises(FrameError, match="unknown population 'schools'"):
        frame_as_of("schools")
    with pytest.raises(FrameError, match="no frame has been loaded"):
        frame_as_of("england-la")
    with pytest.raises(FrameError, match="unknown population"):
        load_frame(EXAMPLES / "england-la-2017.csv", A, population="schools")


def test_a_handful_of_queries_whatever_the_size(django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        load_frame(EXAMPLES / "england-la-2017.csv", A)
    with django_assert_max_num_queries(6):
        frame_as_of()


def test_the_frame_table_holds_the_text_in_force_and_frame_as_of_types_it(tmp_path, file_a):
    load_frame(file_a, A)
    blanked = DARLINGTON.replace("Inadequate", "")
    load_frame(write(tmp_path, "b.csv", DURHAM.replace("Good", "Outstanding"), blanked, HARTLEPOOL), B)
    table = frame_table(as_of=date(2030, 1, 1))
    assert (table.version_as_of, table.as_of, table.schema.slug) == (B, date(2030, 1, 1), "england-la")
    assert table.values.columns == table.schema.column_names
    rows = {row["dfe_la_code"]: row for row in table.values.iter_rows(named=True)}
    assert list(rows) == ["805", "840", "841"]  # in key order
    assert rows["840"]["ofsted"] == "Outstanding"  # the later date's value
    assert rows["841"]["ofsted"] == ""  # blanked by the later file: stored as a blank
    assert rows["805"]["ofsted"] is None  # never given: nothing stored
    frame = frame_as_of(as_of=date(2030, 1, 1))
    assert [u.key for u in frame.units] == list(rows)
    assert unit(frame, "841").attributes["ofsted"] is None and unit(frame, "805").attributes["ofsted"] is None
    assert unit(frame, "840").codes == {"gss_code": "E06000047", "dfe_la_code": "840"}


def test_columns_named_as_the_table_s_own_read_their_values(tmp_path):
    schema = tmp_path / "odd.yaml"
    schema.write_text(
        "slug: odd\ntitle: Odd names\nkey: urn\nname: name\ncodes:\n  urn: {}\n"
        "attributes:\n  key: {kind: text}\n  unit_id: {kind: number, optional: true}\n  c1: {kind: text}\n",
        encoding="utf-8",
    )
    frame_file = tmp_path / "odd.csv"
    frame_file.write_text("urn,name,key,unit_id,c1\n2,Two,b,,y\n1,One,a,12.5,x\n", encoding="utf-8")
    load_frame(frame_file, A, str(schema))
    table = frame_table("odd")
    assert table.values.rows() == [("1", "One", "a", "12.5", "x"), ("2", "Two", "b", None, "y")]
    assert [u.attributes for u in frame_as_of("odd").units] == [
        {"key": "a", "unit_id": 12.5, "c1": "x"},
        {"key": "b", "unit_id": None, "c1": "y"},
    ]
