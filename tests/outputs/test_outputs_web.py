"""The outputs page with Django's test client: who sees what, one build per form, audited downloads, errors.

Builds are run with `run_build`, the function the queue's task calls; the browser tests run them
through the worker itself.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from omnibus.fieldwork.models import AuditEvent
from omnibus.outputs import making
from omnibus.outputs.builds import kept_file, queue_build, run_build
from omnibus.outputs.models import Build
from omnibus.outputs.tasks import recover_builds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outputs_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001 - pytest-django's settings
    settings.OUTPUTS_DIR = tmp_path / "outputs"
    return settings.OUTPUTS_DIR


def _page(wave) -> str:  # noqa: ANN001
    return f"/office/outputs/{wave.slug}/"


def _ask(client: Client, wave, output: str, fmt: str, key: str | None = None):  # noqa: ANN001, ANN202
    data = {"output": output, "format": fmt, "request_key": key or uuid.uuid4().hex}
    return client.post(f"{_page(wave)}build/", data)


def _built(wave, output: str, fmt: str, user_name: str = "researcher-user") -> Build:  # noqa: ANN001
    from django.contrib.auth.models import User

    user = User.objects.get(username=user_name)
    build = queue_build(wave, output, fmt, user, uuid.uuid4().hex).build
    return run_build(build.pk)


def test_a_researcher_is_offered_everything_and_a_client_only_the_client_outputs(wave, researcher, signed_in) -> None:
    page = researcher.get(_page(wave)).content.decode()
    for title in ("Tab book", "Report", "Client report", "Dataset", "Client copy of the data", "Coding files",
                  "Printed questionnaire"):  # fmt: skip
        assert f">{title}</h3>" in page
    client_page = signed_in("client").get(_page(wave)).content.decode()
    assert ">Tab book</h3>" in client_page and ">Client report</h3>" in client_page
    assert ">Client copy of the data</h3>" in client_page
    for title in ("Report", "Dataset", "Coding files", "Printed questionnaire"):
        assert f">{title}</h3>" not in client_page
    assert f'href="{_page(wave)}"' in researcher.get(f"/office/waves/{wave.slug}/").content.decode()


def test_a_double_submit_queues_one_build_and_one_task(wave, researcher) -> None:
    key = uuid.uuid4().hex
    first = _ask(researcher, wave, "tabbook", "xlsx", key)
    second = _ask(researcher, wave, "tabbook", "xlsx", key)
    assert first.status_code == second.status_code == 302
    assert Build.objects.filter(wave=wave).count() == 1
    build = Build.objects.get(wave=wave)
    assert build.status == Build.QUEUED and build.requested_by_name == "researcher-user"
    assert DBTaskResult.objects.filter(id=build.task_id, args_kwargs__args=[build.pk]).exists()
    # Another form for the same output while the first waits: still the one build.
    assert _ask(researcher, wave, "tabbook", "xlsx").status_code == 302
    assert Build.objects.filter(wave=wave).count() == 1
    assert "was already asked for" in researcher.get(_page(wave)).content.decode()
    # Once it has run, building again is a new build.
    run_build(build.pk)
    _ask(researcher, wave, "tabbook", "xlsx")
    assert Build.objects.filter(wave=wave).count() == 2


def test_a_finished_build_is_kept_with_its_size_and_digest(wave, researcher, outputs_dir: Path) -> None:
    import hashlib

    build = _built(wave, "tabbook", "xlsx")
    assert build.status == Build.DONE, build.error
    path = kept_file(build)
    assert path is not None and path.parent.parent == outputs_dir / wave.slug
    assert build.size == path.stat().st_size
    assert build.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert build.started_at <= build.finished_at
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no scratch left behind


def test_a_client_cannot_build_or_fetch_a_researcher_build(wave, researcher, signed_in) -> None:
    client = signed_in("client")
    dataset = _built(wave, "dataset", "csv")
    tabbook = _built(wave, "tabbook", "xlsx")
    assert researcher.get(f"{_page(wave)}builds/{dataset.pk}/file").status_code == 200
    assert client.get(f"{_page(wave)}builds/{dataset.pk}/file").status_code == 404
    assert client.get(f"{_page(wave)}builds/{tabbook.pk}/file").status_code == 200
    assert _ask(client, wave, "dataset", "csv").status_code == 404
    assert _ask(client, wave, "coding", "csv").status_code == 404
    assert _ask(client, wave, "client-dataset", "csv").status_code == 302
    page = client.get(_page(wave)).content.decode()
    assert f"builds/{tabbook.pk}/file" in page and f"builds/{dataset.pk}/file" not in page
    # Another wave's number does not reach this wave's build.
    other = Build.objects.exclude(wave=wave).count()
    assert other == 0 and client.get(f"/office/outputs/nowave/builds/{tabbook.pk}/file").status_code == 404


def test_every_download_is_audited(wave, researcher) -> None:
    build = _built(wave, "questionnaire", "txt")
    before = AuditEvent.objects.count()
    for _ in range(2):
        response = researcher.get(f"{_page(wave)}builds/{build.pk}/file")
        assert response.status_code == 200
        assert (
            b"".join(response.streaming_content).decode().startswith(kept_file(build).read_text(encoding="utf-8")[:50])
        )
        assert 'attachment; filename="' in response["Content-Disposition"]
    assert researcher.head(f"{_page(wave)}builds/{build.pk}/file").status_code == 200  # no file sent: not audited
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.actor, e.object_type, e.object_id, e.wave_id) for e in events] == [
        ("exported", "researcher-user", "outputs.build", str(build.pk), wave.pk)
    ] * 2
    assert "Printed questionnaire (Text)" in events[0].detail


def test_bad_requests_get_error_pages(wave, researcher) -> None:
    assert researcher.get("/office/outputs/no-such-wave/").status_code == 404
    unknown = _ask(researcher, wave, "tabbook", "pdf")
    assert unknown.status_code == 400 and b"There is no such output" in unknown.content
    assert _ask(researcher, wave, "secrets", "csv").status_code == 400
    stale = researcher.post(f"{_page(wave)}build/", {"output": "tabbook", "format": "xlsx", "request_key": "x"})
    assert stale.status_code == 400 and b"out of date" in stale.content
    got = researcher.get(f"{_page(wave)}build/")
    assert got.status_code == 405 and got["Allow"] == "POST" and b"govuk-heading-xl" in got.content
    assert researcher.post(_page(wave)).status_code == 405
    assert researcher.post(f"{_page(wave)}builds/1/file").status_code == 405
    assert researcher.get(f"{_page(wave)}builds/999999/file").status_code == 404
    assert researcher.get(f"{_page(wave)}builds/{'9' * 25}/file").status_code == 404  # too big for the database
    queued = queue_build(wave, "tabbook", "xlsx", _user("researcher-user"), uuid.uuid4().hex).build
    assert researcher.get(f"{_page(wave)}builds/{queued.pk}/file").status_code == 404  # not built yet
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(_user("researcher-user"))
    refused = careful.post(f"{_page(wave)}build/", {"output": "tabbook", "format": "xlsx", "request_key": "a" * 32})
    assert refused.status_code == 403 and b"could not be sent" in refused.content
    assert Build.objects.filter(wave=wave).count() == 1
    anonymous = Client().post(f"{_page(wave)}build/", {"output": "tabbook", "format": "xlsx"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def _user(name: str):  # noqa: ANN202 - a User
    from django.contrib.auth.models import User

    return User.objects.get(username=name)


def test_a_build_that_cannot_be_written_says_so_without_a_traceback(wave, researcher, settings, tmp_path) -> None:  # noqa: ANN001
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.OUTPUTS_DIR = blocker / "outputs"
    build = _built(wave, "tabbook", "xlsx")
    assert build.status == Build.FAILED and build.finished_at is not None
    assert build.error == "The file could not be written on the server (Not a directory). Tell the administrator."
    page = researcher.get(_page(wave)).content.decode()
    assert build.error in page and "Traceback" not in page


def test_an_unexpected_error_is_logged_and_the_page_says_what_to_do(wave, researcher, monkeypatch, caplog) -> None:  # noqa: ANN001
    def broken(wave, fmt, folder, earlier):  # noqa: ANN001, ANN202 - a maker that fails as a bug would
        raise KeyError("internal detail /srv/secret")

    monkeypatch.setitem(making.MAKERS, "tabbook", broken)
    build = _built(wave, "tabbook", "xlsx")
    assert build.status == Build.FAILED
    assert f"logged on the server as build {build.pk}" in build.error and "secret" not in build.error
    assert "internal detail /srv/secret" in caplog.text  # the traceback went to the log
    assert "secret" not in researcher.get(_page(wave)).content.decode()


def test_a_build_whose_worker_died_is_marked_failed(wave, researcher) -> None:
    build = queue_build(wave, "tabbook", "xlsx", _user("researcher-user"), uuid.uuid4().hex).build
    fresh = queue_build(wave, "report", "html", _user("researcher-user"), uuid.uuid4().hex).build
    Build.objects.filter(pk=build.pk).update(status=Build.RUNNING, started_at=timezone.now() - timedelta(hours=2))
    Build.objects.filter(pk=fresh.pk).update(status=Build.RUNNING, started_at=timezone.now())
    assert recover_builds() == 1
    build.refresh_from_db()
    fresh.refresh_from_db()
    assert build.status == Build.FAILED and "Build it again" in build.error
    assert fresh.status == Build.RUNNING


def test_a_tab_book_compared_with_an_earlier_wave_is_the_command_lines(wave, researcher, make_wave, tmp_path) -> None:  # noqa: ANN001
    import openpyxl
    from click.testing import CliRunner

    from omnibus.dataset.simulate import simulate
    from omnibus.site.cli.report import tables

    opens = wave.opens_at - timedelta(days=180)
    earlier = make_wave("cso-w2", opens, opens + timedelta(days=30), title="CSO Wave 2")
    simulate(earlier, seed=3, response_rate=0.5)
    later = make_wave("cso-w4", wave.opens_at + timedelta(days=180), wave.opens_at + timedelta(days=210))
    page = researcher.get(_page(wave)).content.decode()
    assert '<option value="cso-w2">CSO Wave 2 (cso-w2)</option>' in page and 'value="cso-w4"' not in page
    for odd in (later.slug, wave.slug, "nowave", "<b>"):
        refused = researcher.post(f"{_page(wave)}build/", {"output": "tabbook", "format": "xlsx", "compare": odd,
                                                          "request_key": uuid.uuid4().hex})  # fmt: skip
        assert refused.status_code == 400 and b"cannot be compared" in refused.content, odd
    dataset = {"output": "dataset", "format": "csv", "compare": "cso-w2", "request_key": uuid.uuid4().hex}
    assert researcher.post(f"{_page(wave)}build/", dataset).status_code == 400

    asked = {"output": "tabbook", "format": "xlsx", "compare": "cso-w2", "request_key": uuid.uuid4().hex}
    assert researcher.post(f"{_page(wave)}build/", asked).status_code == 302
    _ask(researcher, wave, "tabbook", "xlsx")  # the same output without the comparison is another build
    assert sorted(Build.objects.values_list("compare", flat=True)) == ["", "cso-w2"]
    build = run_build(Build.objects.get(compare="cso-w2").pk)
    assert build.status == Build.DONE, build.error
    assert "Tab book (Excel) compared with cso-w2" in researcher.get(_page(wave)).content.decode()
    cli = tmp_path / "cli.xlsx"
    made = CliRunner().invoke(tables, [wave.slug, "--compare", "cso-w2", "-o", str(cli)])
    assert made.exit_code == 0, made.output

    def cells(path: Path) -> dict:
        book = openpyxl.load_workbook(path)
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}

    web = cells(kept_file(build))
    assert web == cells(cli)
    shown = {str(value) for rows in web.values() for row in rows for value in row}
    assert any("CSO Wave 2" in value or "cso-w2" in value for value in shown), sorted(shown)[:40]
