"""Message templates, merge fields, audiences and previews."""

from __future__ import annotations

import pytest

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.messages import (
    AudienceError,
    Recipient,
    TemplateError,
    load_template,
    menu_of,
    parse_template,
    preview,
    recipients_for,
    render_for,
    select_units,
)
from omnibus.fieldwork.models import SectionState, Wave


def test_the_example_templates_load_and_attach_the_excel_copy() -> None:
    for name in ("invitation", "reminder"):
        template = load_template(name)
        assert template.attach_copy
        assert "{{ link }}" in template.body and "{{ access_code }}" in template.body


def test_an_unknown_merge_field_is_refused_naming_the_field_and_line() -> None:
    text = "subject: Hello\n---\nDear {{ contact_name }},\n\nYour code is {{ acess_code }}.\n"
    with pytest.raises(TemplateError, match=r"line 5: unknown merge field 'acess_code'"):
        parse_template(text, "bad")


def test_other_template_syntax_is_refused() -> None:
    with pytest.raises(TemplateError, match=r"line 3: only \{\{ field \}\} is allowed"):
        parse_template("subject: Hi\n---\n{% if unit_name %}x{% endif %}\n", "bad")
    with pytest.raises(TemplateError, match="'---'"):
        parse_template("subject: Hi\nno separator\n", "bad")
    with pytest.raises(TemplateError, match="attach"):
        parse_template("subject: Hi\nattach: pdf\n---\nx\n", "bad")


def test_the_merge_fills_the_units_own_code_link_and_closing_date(wave: Wave) -> None:
    unit = wave.units.get(name="Barnsley")
    code = unseal(unit.code_sealed)
    rendered = render_for(load_template("invitation"), unit, Recipient("Ada Example", "ada@example.org"))
    assert "Barnsley" in rendered.subject
    assert "Dear Ada Example," in rendered.body
    assert f"/s/{code}" in rendered.body and code in rendered.body
    assert "Friday 13 October 2017" in rendered.body
    assert "{{" not in rendered.body


def test_values_are_pasted_once_not_read_as_fields(wave: Wave) -> None:
    unit = wave.units.get(name="Barnsley")
    rendered = render_for(load_template("invitation"), unit, Recipient("{{ access_code }}", "x@example.org"))
    assert "Dear {{ access_code }}," in rendered.body


def test_preview_shows_one_units_text_and_queues_nothing(wave: Wave) -> None:
    unit = wave.units.get(name="Barnsley")
    shown = preview(load_template("reminder"), unit)
    assert len(shown) == 1 and "Dear colleague," in shown[0][1].body
    assert unseal(unit.code_sealed) in shown[0][1].body
    assert not unit.messages.exists()


def _states(unit, statuses: dict[str, str]) -> None:  # noqa: ANN001
    for section, status in statuses.items():
        SectionState.objects.create(wave_unit=unit, section=section, status=status)


def test_audiences_follow_the_section_states(wave: Wave) -> None:
    menu = list(menu_of(wave))
    first, second = menu[0], menu[1]
    fresh, part, done = (wave.units.get(name=n) for n in ("Barnsley", "Barnet", "Bath and North East Somerset"))
    _states(part, {first: SectionState.COMPLETED, second: SectionState.IN_PROGRESS})
    _states(done, dict.fromkeys(menu, SectionState.COMPLETED))
    _states(fresh, {first: SectionState.NOT_STARTED})  # a row that says not started is still not started
    names = {a: {u.name for u in select_units(wave, a)} for a in ("everyone", "not-started", "partial", "unfinished")}
    assert len(names["everyone"]) == 152
    assert fresh.name in names["not-started"] and part.name not in names["not-started"]
    assert names["partial"] == {part.name}
    assert done.name not in names["unfinished"] and len(names["unfinished"]) == 151
    on_second = {u.name for u in select_units(wave, f"section:{second}")}
    assert part.name in on_second and done.name not in on_second
    assert part.name not in {u.name for u in select_units(wave, f"section:{first}")}


def test_sections_to_do_lists_what_is_not_completed(wave: Wave) -> None:
    menu = menu_of(wave)
    unit = wave.units.get(name="Barnet")
    _states(unit, dict.fromkeys(list(menu)[1:], SectionState.COMPLETED))
    body = render_for(load_template("reminder"), unit, Recipient("", "x@example.org")).body
    first_title = next(iter(menu.values()))
    assert f"- {first_title}" in body
    assert all(f"- {title}\n" not in body for title in list(menu.values())[1:])


def test_an_unknown_audience_or_section_is_refused(wave: Wave) -> None:
    with pytest.raises(AudienceError, match="unknown audience"):
        select_units(wave, "stragglers")
    with pytest.raises(AudienceError, match="no section 'nope'"):
        select_units(wave, "section:nope")


def test_recipients_come_from_the_units_contacts_main_first(wave: Wave) -> None:
    contact_model = getattr(wave.units.model, "contacts", None)
    if contact_model is None:
        pytest.skip("no Contact model yet")
    from omnibus.fieldwork.models import Contact

    unit = wave.units.get(name="Barnsley")
    Contact.objects.create(wave_unit=unit, name="Bea Deputy", email="bea@example.org")
    Contact.objects.create(wave_unit=unit, name="Cy Main", email="cy@example.org", is_main=True)
    assert recipients_for(unit) == [Recipient("Cy Main", "cy@example.org"), Recipient("Bea Deputy", "bea@example.org")]
    assert recipients_for(wave.units.get(name="Barnet")) == []


def test_the_commands_preview_send_and_report_status(wave: Wave, settings) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from omnibus.site.cli.fieldwork import messages

    settings.BASE_URL = "https://survey.example.org"
    runner = CliRunner()
    shown = runner.invoke(messages, ["preview", "w3", "invitation", "--unit", "Barnsley"])
    assert shown.exit_code == 0, shown.output
    assert unseal(wave.units.get(name="Barnsley").code_sealed) in shown.output
    bad = runner.invoke(messages, ["send", "w3", "invitation", "--to", "stragglers"])
    assert bad.exit_code != 0 and "unknown audience" in bad.output
    sent = runner.invoke(messages, ["send", "w3", "reminder", "--to", "not-started"])
    assert sent.exit_code == 0 and "Queued campaign" in sent.output
    status = runner.invoke(messages, ["status", "w3"])
    assert "reminder to not-started" in status.output


def test_la_name_is_gone_and_an_unknown_field_names_file_line_and_the_known_fields(wave: Wave, tmp_path) -> None:
    from omnibus.fieldwork.messages import wave_fields

    old = tmp_path / "old.md"
    old.write_text("subject: Hello\n---\nDear {{ contact_name }},\n{{ la_name }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(old, wave_fields(wave))
    message = str(refused.value)
    assert message.startswith(f"{old}: line 4: unknown merge field 'la_name' (fields: ")
    assert "unit_name" in message and "region" in message and "dfe_la_code" in message  # england-la's merge fields


def test_the_populations_merge_fields_come_from_the_frame_as_of_the_waves_date(wave: Wave, tmp_path) -> None:
    from omnibus.fieldwork.messages import wave_fields

    text = "subject: {{ unit_name }} ({{ dfe_la_code }})\n---\n{{ unit_name }} is in {{ region }}, {{ gss_code }}.\n"
    template = parse_template(text, "frame", wave_fields(wave))
    rendered = render_for(template, wave.units.get(name="Barnsley"), Recipient("", "x@example.org"))
    assert rendered.subject == "Barnsley (370)"
    assert rendered.body == "Barnsley is in Yorkshire and The Humber, E08000016.\n"
    with pytest.raises(TemplateError, match="unknown merge field 'type'"):  # an attribute not declared mergeable
        parse_template("subject: x\n---\n{{ type }}\n", "t", wave_fields(wave))


def test_messages_check_uses_the_populations_fields_and_never_shows_a_traceback(wave: Wave, tmp_path) -> None:
    from click.testing import CliRunner

    from omnibus.site.cli.fieldwork import messages

    region = tmp_path / "region.md"
    region.write_text("subject: {{ unit_name }}\n---\nIn {{ region }}\n", encoding="utf-8")
    ok = CliRunner().invoke(messages, ["check", str(region)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("region: subject '{{ unit_name }}'; fields: region, unit_name")
    for bad in ([str(tmp_path)], ["no-such-template"], [str(region), "--population", "schools"]):
        result = CliRunner().invoke(messages, ["check", *bad])
        assert result.exit_code == 1
        assert "Traceback" not in result.output and result.output.startswith("Error: ")


def test_sending_from_the_command_line_without_a_base_url_says_so_and_queues_nothing(wave: Wave, settings) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from omnibus.fieldwork.models import Campaign
    from omnibus.site.cli.fieldwork import messages

    settings.BASE_URL = ""
    refused = CliRunner().invoke(messages, ["send", "w3", "reminder", "--to", "not-started"])
    assert refused.exit_code == 1 and "OMNIBUS_BASE_URL" in refused.output and "no base URL" in refused.output
    assert not Campaign.objects.filter(wave=wave).exists()
    settings.BASE_URL = "https://survey.example.org"
    assert CliRunner().invoke(messages, ["send", "w3", "reminder", "--to", "not-started"]).exit_code == 0
    assert Campaign.objects.get(wave=wave).base_url == "https://survey.example.org"
