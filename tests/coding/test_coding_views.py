"""The coding screens over HTTP: who may use them, errors shown not raised, repeats harmless."""

from __future__ import annotations


def test_the_screen_lists_answers_with_live_counts(researcher, wave, answers, coded):
    page = researcher.get(f"/office/coding/{wave.slug}/SocImprov/")
    assert page.status_code == 200
    html = page.content.decode()
    workforce = sum(1 for c in coded.values() if 1 in c)
    assert f'data-theme="1">{workforce} (' in html
    assert f"<strong>{len(answers)}</strong> answers, <strong>0</strong> not yet coded" in html


def test_bulk_coding_twice_codes_once(researcher, wave, answers, frame):
    from omnibus.coding.models import Coding

    theme = frame.themes.get(code=1)
    post = {"action": "code", "theme": theme.pk, "answer": [answers[0].wave_unit, answers[1].wave_unit]}
    for _ in range(2):
        response = researcher.post(f"/office/coding/{wave.slug}/SocImprov/", post)
        assert response.status_code == 302
    assert Coding.objects.filter(theme=theme).count() == 2


def test_mistakes_come_back_as_an_error_summary(researcher, wave, answers, frame):
    url = f"/office/coding/{wave.slug}/SocImprov/"
    researcher.post(url, {"action": "code", "theme": frame.themes.first().pk})
    assert "Select at least one answer" in researcher.get(url).content.decode()
    researcher.post(url, {"action": "add_theme", "label": "workforce"})
    assert "There is already a theme called" in researcher.get(url).content.decode()
    researcher.post(url, {"action": "accept", "at_least": "lots"})
    assert "as a number from 0 to 100" in researcher.get(url).content.decode()
    researcher.post(url, {"action": "nonsense"})
    assert "Unknown action" in researcher.get(url).content.decode()
    assert researcher.get(f"/office/coding/{wave.slug}/NoSuchVariable/").status_code == 404
    assert researcher.get(f"/office/coding/{wave.slug}/SocImprov/answer/999999/").status_code == 404


def test_a_client_cannot_code_but_reads_only_usable_consented_quotes(signed_in, wave, answers, frame):
    from omnibus.coding.quotes import mark_quote
    from omnibus.fieldwork.models import WaveUnit

    unit = WaveUnit.objects.get(pk=answers[0].wave_unit)
    mark_quote(unit, "SocImprov", f"{unit.name} needs more social workers", None, None)
    client = signed_in("client")
    assert client.get(f"/office/coding/{wave.slug}/SocImprov/").status_code == 403
    page = client.get(f"/office/coding/{wave.slug}/quotes/").content.decode()
    assert unit.name not in page and "All marked quotes" not in page
    assert client.post(f"/office/coding/{wave.slug}/quotes/", {"action": "delete", "quote": 1}).status_code == 200
    from omnibus.coding.models import Quote

    assert Quote.objects.count() == 1


def test_one_at_a_time_saves_and_moves_to_the_next_uncoded_answer(researcher, wave, answers, frame):
    from omnibus.coding.codings import open_responses

    first, second = answers[0], answers[1]
    theme = frame.themes.get(code=2)
    url = f"/office/coding/{wave.slug}/SocImprov/answer/{first.wave_unit}/"
    assert first.text in researcher.get(url).content.decode()
    response = researcher.post(url, {"theme": [theme.pk], "next": "1"})
    assert response.status_code == 302
    assert response.url.endswith(f"/answer/{second.wave_unit}/")
    assert {r.wave_unit: r.codes for r in open_responses(wave, "SocImprov")}[first.wave_unit] == {2}


def test_the_csv_download_is_the_coding_export(researcher, wave, answers, coded):
    response = researcher.get(f"/office/coding/{wave.slug}/SocImprov/coding.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "unit,name,answer,codes,themes" and len(lines) == len(answers) + 1


def test_the_wave_page_leads_to_the_coding(researcher, wave):
    html = researcher.get(f"/office/waves/{wave.slug}/").content.decode()
    assert f'href="/office/coding/{wave.slug}/"' in html and f'href="/office/coding/{wave.slug}/quotes/"' in html


def test_split_from_the_screen_moves_the_selected_answers(researcher, wave, coded, frame):
    from omnibus.coding.codings import open_responses

    workforce = frame.themes.get(code=1)
    chosen = sorted(u for u, c in coded.items() if 1 in c)[:2]
    url = f"/office/coding/{wave.slug}/SocImprov/"
    post = {"action": "split", "split": workforce.pk, "label": "Agency staff", "answer": chosen}
    assert researcher.post(url, post).status_code == 302
    new = frame.themes.get(label="Agency staff")
    after = {r.wave_unit: r.codes for r in open_responses(wave, "SocImprov")}
    assert all(after[u] >= {new.code} and 1 not in after[u] for u in chosen)
    assert "Split Agency staff from Workforce" in researcher.get(url).content.decode()


def test_one_at_a_time_keeps_a_theme_a_colleague_gave_meanwhile(researcher, wave, answers, frame):
    from omnibus.coding.codings import open_responses, set_codes

    workforce, practice, demand = (frame.themes.get(code=c) for c in (1, 2, 3))
    unit = answers[0].wave_unit
    set_codes(wave, "SocImprov", [unit], [workforce], [], None)
    url = f"/office/coding/{wave.slug}/SocImprov/answer/{unit}/"
    assert f'name="was" value="{workforce.pk}"' in researcher.get(url).content.decode()
    set_codes(wave, "SocImprov", [unit], [demand], [], None)  # a colleague, after the page was shown
    researcher.post(url, {"was": [workforce.pk], "theme": [practice.pk], "done": "1"})
    assert {r.wave_unit: r.codes for r in open_responses(wave, "SocImprov")}[unit] == {2, 3}


def test_a_theme_added_on_the_screen_keeps_its_example_phrases_and_wave(researcher, wave, answers, frame):
    url = f"/office/coding/{wave.slug}/SocImprov/"
    examples = "grow our own social workers\n\n  academy for newly qualified staff "
    researcher.post(url, {"action": "add_theme", "label": "Growing our own", "examples": examples})
    theme = frame.themes.get(label="Growing our own")
    assert theme.examples == ["grow our own social workers", "academy for newly qualified staff"]
    assert theme.added_in == wave
    page = researcher.get(url).content.decode()
    assert "New this wave" in page  # the frame's other themes came with it, not from this wave's coding


def test_ticked_suggestions_are_reviewed_and_those_above_a_confidence_are_bulk(researcher, wave, answers, frame):
    from omnibus.coding.codings import suggest_codes
    from omnibus.coding.models import Coding, Suggestion

    suggest_codes(wave, "SocImprov", prefer="tfidf")
    first, *rest = Suggestion.objects.filter(wave_unit__wave=wave).order_by("pk")
    url = f"/office/coding/{wave.slug}/SocImprov/"
    shown = researcher.get(url).content.decode()
    assert "right, from a prior fitted on a calibration set" in shown
    assert f"Suggested: {first.theme.label} ({round(first.confidence * 100)}% likely right)" in shown
    researcher.post(url, {"action": "accept", "suggestion": [first.pk]})
    researcher.post(url, {"action": "accept", "at_least": "0"})
    assert Coding.objects.get(wave_unit_id=first.wave_unit_id, theme=first.theme).source == Coding.SUGGESTION
    bulk = Coding.objects.filter(wave_unit__wave=wave, source=Coding.BULK).count()
    assert bulk == len(rest) > 0
    page = researcher.get(url).content.decode()
    assert 'data-source="reviewed">1<' in page and f'data-source="bulk">{bulk}<' in page


def test_the_csv_download_writes_a_formula_as_text(researcher, wave, answers):
    from omnibus.collect.models import Answer

    Answer.objects.filter(wave_unit_id=answers[0].wave_unit, key="SocImprov").update(value="=1+2")
    response = researcher.get(f"/office/coding/{wave.slug}/SocImprov/coding.csv")
    assert ",'=1+2," in response.content.decode()


def test_back_may_only_lead_to_this_site(researcher, wave, answers, frame):
    screen = f"/office/coding/{wave.slug}/SocImprov/"
    for back in ("//evil.example/", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)", "-1"):
        response = researcher.post(screen, {"action": "nothing", "back": back})
        assert response.status_code == 302 and response["Location"] == screen, back
    kept = researcher.post(screen, {"action": "nothing", "back": f"{screen}?show=uncoded"})
    assert kept["Location"] == f"{screen}?show=uncoded"
