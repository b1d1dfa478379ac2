"""Suggestions in the coding app: stored for review, accepted or rejected, and themes named by an endpoint if set."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


def test_codes_are_proposed_for_uncoded_answers_and_rejections_stick(wave, answers, frame):
    from omnibus.coding.codings import decide_suggestions, open_responses, set_codes, suggest_codes
    from omnibus.coding.models import Coding, Suggestion

    themes = {t.code: t for t in frame.themes.all()}
    workforce = [r for r in answers if "recruit" in r.text.lower() or "workforce" in r.text.lower()]
    for r in workforce[:3]:
        set_codes(wave, "SocImprov", [r.wave_unit], [themes[1]], [], None)
    for r in [r for r in answers if "demand" in r.text.lower()][:3]:
        set_codes(wave, "SocImprov", [r.wave_unit], [themes[3]], [], None)
    method, made = suggest_codes(wave, "SocImprov", prefer="tfidf")
    assert method == "TF-IDF" and made > 0
    stored = Suggestion.objects.filter(state=Suggestion.OPEN)
    assert stored.count() == made and all(s.method == "TF-IDF" for s in stored)
    coded_units = {r.wave_unit for r in open_responses(wave, "SocImprov") if r.codes}
    assert not stored.filter(wave_unit_id__in=coded_units).exists()  # only uncoded answers get suggestions
    first, second = list(stored[:2])
    decide_suggestions([first.pk], True, None)
    decide_suggestions([second.pk], False, None)
    assert Coding.objects.filter(wave_unit_id=first.wave_unit_id, theme=first.theme, source=Coding.SUGGESTION).exists()
    suggest_codes(wave, "SocImprov", prefer="tfidf")
    again = Suggestion.objects.filter(wave_unit_id=second.wave_unit_id, theme=second.theme)
    assert [s.state for s in again] == [Suggestion.REJECTED]


class _Namer(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server interface
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path.endswith("/chat/completions") and body["messages"]
        reply = {"choices": [{"message": {"role": "assistant", "content": "Named by the model"}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def namer():
    server = HTTPServer(("127.0.0.1", 0), _Namer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_candidate_themes_are_named_by_the_endpoint_when_one_is_set(wave, answers, settings, namer):
    from omnibus.coding.codings import suggest_themes

    settings.CODING_LLM = {"url": namer, "key": "not-a-real-key", "model": "any"}
    method, made = suggest_themes(wave, "SocImprov", prefer="tfidf")
    assert made and all(c.label == "Named by the model" for c in made)
    assert made[0].method == "TF-IDF, named by a language model"


def test_without_an_endpoint_themes_keep_their_key_term_labels(wave, answers, settings):
    from omnibus.coding.codings import suggest_themes

    settings.CODING_LLM = {"url": "", "key": "", "model": ""}
    method, made = suggest_themes(wave, "SocImprov", prefer="tfidf")
    assert method == "TF-IDF" and made
    assert all(c.label and c.label != "Named by the model" and c.examples and c.members for c in made)
    members = [m for c in made for m in c.members]
    assert len(members) == len(set(members)) == len(answers)


def test_key_terms_leave_out_the_population_s_own_words(schools, wave):
    from omnibus.coding.codings import survey_words

    mine = survey_words(schools)
    assert mine.respondents == "schools"
    assert {
        "school",
        "schools",
        "primary",
        "special",
        "north",
        "academy",
        "alderbrook",
        "greyfriars",
    } <= mine.stop_words
    assert not {"authority", "local", "unitary"} & mine.stop_words
    theirs = survey_words(wave)
    assert theirs.respondents == "local authorities"
    assert {
        "local",
        "authority",
        "authorities",
        "unitary",
        "county",
        "durham",
        "children",
        "services",
    } <= theirs.stop_words
