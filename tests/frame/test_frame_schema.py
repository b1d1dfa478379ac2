"""Population schemas: the shipped england-la schema and the checks on a schema file."""

from decimal import Decimal

import pytest

from omnibus.frame.schema import SchemaError, available_populations, load_population, schema_from_dict


def test_england_la_schema():
    schema = load_population("england-la")
    assert "england-la" in available_populations()
    assert schema.key == "dfe_la_code"
    assert schema.code_names == ["gss_code", "dfe_la_code"]
    assert schema.column_names[:3] == ["gss_code", "dfe_la_code", "name"]
    assert schema.column("ofsted").optional
    assert not schema.column("type").optional
    assert len(schema.column("region").values) == 9


def test_the_population_declares_what_the_rest_uses():
    schema = load_population("england-la")
    assert (schema.unit.singular, schema.unit.plural) == ("local authority", "local authorities")
    assert schema.unit.with_article == "a local authority"
    assert schema.join_codes == ("dfe_la_code", "gss_code")
    assert [b.name for b in schema.breakdowns] == ["type", "region_group"]
    assert schema.attribution.ladder[0] == ("type", "region")
    assert schema.client_attributes == ("type", "region_group")
    assert "region" in schema.merge_fields
    assert schema.unknown_attributes(["region", "colour"]) == ["colour"]


def test_a_population_that_declares_little_gets_neutral_defaults():
    data = {"slug": "s", "title": "S", "key": "urn", "name": "name", "codes": {"urn": {}, "ukprn": {}}}
    schema = schema_from_dict(data, "s.yaml")
    assert schema.unit.singular == "organisation" and schema.unit.with_article == "an organisation"
    assert schema.join_codes == ("urn", "ukprn")
    assert schema.breakdowns == () and schema.attribution.ladder == () and schema.client_attributes == ()


def test_bands_are_half_open():
    band = load_population("england-la").column("cin_band")
    assert band.band_for(Decimal("299.9")) == "100-300"
    assert band.band_for(Decimal("300")) == "300-400"
    assert band.band_for(Decimal("702.1")) == "500+"
    assert band.band_for(Decimal("99")) is None


def test_unknown_population_lists_the_known_ones():
    with pytest.raises(SchemaError, match="unknown population 'nope' .*england-la"):
        load_population("nope")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "urn"}, "key 'urn' must be one of the codes"),
        ({"title": None}, "'title' is required"),
        ({"attributes": {"x": {"kind": "colour"}}}, "unknown kind 'colour'"),
        ({"attributes": {"x": {"kind": "category"}}}, "a category needs 'values'"),
        ({"attributes": {"x": {"kind": "band", "of": "y", "bands": [{"label": "a"}]}}}, "'of' must name"),
        ({"attributes": {"name": {"kind": "text"}}}, "declared twice"),
        ({"unit": {"plural": "forums"}}, "'unit' needs a 'noun'"),
        ({"join_codes": ["urn"]}, "join_codes: 'urn' is not a code"),
        ({"client_attributes": ["region"]}, "client_attributes: 'region' is not an attribute"),
        ({"merge_fields": "region"}, "'merge_fields' must be a list"),
        ({"breakdowns": ["type"]}, "breakdowns: 'type' is not a profile entry"),
        ({"attribution": {"ladder": [["region"]]}}, "attribution ladder: 'region' is not"),
        ({"attribution": {"ladder": [[]]}}, "a rung names no attribute"),
    ],
)
def test_bad_schemas_are_refused(change, message):
    data = {"slug": "s", "title": "S", "key": "id", "name": "name", "codes": {"id": {}}, **change}
    with pytest.raises(SchemaError, match=message):
        schema_from_dict(data, "s.yaml")


def test_a_deep_or_binary_schema_file_is_a_located_schema_error(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("slug: x\nattributes: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^deep\.yaml:2: nested more than 40 levels deep$"):
        load_population(str(deep))
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"slug: x\x00\n")
    with pytest.raises(SchemaError, match=r"^binary\.yaml:1: a control character \(U\+0000\)"):
        load_population(str(binary))
