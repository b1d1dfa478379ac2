"""Outputs in Chromium: a researcher builds the tab book and the report from the wave's page, a client the client copy.

The queue is worked with `run_worker`, the function `omnibus worker` runs. The files downloaded
are opened (openpyxl; pdftotext and pdftoppm) and compared with what the command line writes for
the same wave; the client's copy of the data is searched for every unconsented unit's name and
every contact's email address. Every new page passes axe-core and is kept as a screenshot.
"""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page

from omnibus.dataset.build import build_dataset
from omnibus.dataset.exporting import consent_variable
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.worker import run_worker
from omnibus.outputs.models import Build
from omnibus.site.cli.report import report, tables
from tests.waves import SIMULATED, new_wave

from .survey_browser import ARTEFACTS, GOVUK_ONLY_FONTS, TIMEOUT_MS, assert_accessible, screenshot

PASSWORD = "a long demo passphrase"
OUTPUTS = f"/office/outputs/{SIMULATED}/"


@pytest.fixture
def outputs_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001 - pytest-django's settings, shared with the server
    settings.OUTPUTS_DIR = tmp_path / "kept"
    return settings.OUTPUTS_DIR


def _signed_in(browser: Browser, base_url: str, role: str) -> Page:
    user = get_user_model().objects.create_user(f"{role}-ada", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(f"{role}-ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _press(page: Page, role: str, name: str) -> None:
    """Click a button or link and wait for the page it leads to (the queue must see the POST before it runs)."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def _download(page: Page, build: Build, title: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download {title}, build {build.pk}").click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_a_researcher_builds_and_downloads_the_tab_book_and_the_report(
    browser: Browser, live_server, outputs_dir: Path, tmp_path: Path, settings
) -> None:  # noqa: ANN001
    simulated = Wave.objects.get(slug=SIMULATED)
    opens = simulated.opens_at - timedelta(days=180)
    new_wave("cso-w2", opens, opens + timedelta(days=30), title="CSO Wave 2", units=["841"])  # to compare with
    page = _signed_in(browser, live_server.url, "researcher")
    page.goto(f"/office/waves/{SIMULATED}/")
    _press(page, "link", "Outputs: tab book, report and data")
    assert page.url.endswith(OUTPUTS)
    screenshot(page, "outputs-researcher")
    assert_accessible(page, "outputs-researcher")
    assert page.get_by_label("Compare with an earlier wave").count() == 3  # the tab book and both reports

    _press(page, "button", "Build Excel tab book")
    assert "Tab book (Excel) is queued" in page.locator(".govuk-notification-banner").inner_text()
    _press(page, "button", "Build HTML report")
    _press(page, "button", "Build PDF report")
    assert page.locator("#builds + p").inner_text().startswith("Some builds are still queued")
    assert page.locator("tbody .govuk-tag").all_inner_texts() == ["Queued"] * 3
    screenshot(page, "outputs-queued")
    assert_accessible(page, "outputs-queued")
    assert Build.objects.filter(status=Build.QUEUED).count() == 3

    run_worker(once=True)  # what `omnibus worker` runs
    _press(page, "link", "Refresh the list")
    assert page.locator("tbody .govuk-tag").all_inner_texts() == ["Done"] * 3
    screenshot(page, "outputs-done")
    assert_accessible(page, "outputs-done")

    got = tmp_path / "downloaded"
    got.mkdir()
    builds = {b.output + "." + b.format: b for b in Build.objects.all()}
    book = _download(page, builds["tabbook.xlsx"], "Tab book (Excel)", got)
    html = _download(page, builds["report.html"], "Report (HTML)", got)
    pdf = _download(page, builds["report.pdf"], "Report (PDF)", got)
    assert (book.name, html.name, pdf.name) == (
        f"{SIMULATED}-tabbook.xlsx",
        f"{SIMULATED}-report.html",
        f"{SIMULATED}-report.pdf",
    )

    cli = tmp_path / "cli"
    made = CliRunner().invoke(tables, [SIMULATED, "-o", str(cli / "tabbook.xlsx")])
    assert made.exit_code == 0, made.output
    made = CliRunner().invoke(report, [SIMULATED, "--format", "html,pdf", "-o", str(cli)])
    assert made.exit_code == 0, made.output
    web_cells, cli_cells = _cells(book), _cells(cli / "tabbook.xlsx")
    assert list(web_cells) == list(cli_cells) and len(web_cells) > 3
    assert web_cells == cli_cells
    assert html.read_text(encoding="utf-8") == (cli / f"{SIMULATED}-report.html").read_text(encoding="utf-8")
    text = _pdf_text(pdf)
    assert "Children's Services Omnibus" in text and text == _pdf_text(cli / f"{SIMULATED}-report.pdf")
    first_page = ARTEFACTS / "outputs-report-page-1"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(first_page)],
                   check=True)  # fmt: skip
    assert first_page.with_suffix(".png").stat().st_size > 5_000

    # A build that fails says why on the page, in words, with no traceback.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.OUTPUTS_DIR = blocker / "kept"
    _press(page, "button", "Build Text printed questionnaire")
    run_worker(once=True)
    _press(page, "link", "Refresh the list")
    row = page.locator("tbody tr").first
    assert row.locator(".govuk-tag").inner_text() == "Failed"
    assert "could not be written on the server (Not a directory)" in row.locator(".build-error").inner_text()
    assert "Traceback" not in page.content()
    screenshot(page, "outputs-failed")
    assert_accessible(page, "outputs-failed")
    page.context.close()


def test_a_client_downloads_the_client_copy_without_unconsented_names_or_contacts(
    browser: Browser, live_server, outputs_dir: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    wave = Wave.objects.get(slug=SIMULATED)
    emails = []
    for unit in wave.units.order_by("unit__key")[:40]:
        email = f"lead.{unit.unit.key}@example.com"
        add_contact(unit, "test", name=f"Sam Example {unit.unit.key}", email=email)
        emails.append(email)
    data = build_dataset(wave)
    variable, agree = consent_variable(data)
    names = dict(zip(data.data["unit"].to_list(), data.data["frame_name"].to_list(), strict=True))
    consented = {names[u] for u, c in zip(data.data["unit"], data.data[variable], strict=True) if c == agree}
    unconsented = set(names.values()) - consented
    assert consented and len(unconsented) > 100

    page = _signed_in(browser, live_server.url, "client")
    page.goto(f"/office/waves/{SIMULATED}/")
    _press(page, "link", "Outputs: tab book, report and data")
    assert page.get_by_role("heading", name="Coding files").count() == 0
    assert page.get_by_role("heading", name="Dataset", exact=True).count() == 0
    screenshot(page, "outputs-client")
    assert_accessible(page, "outputs-client")
    _press(page, "button", "Build CSV client copy of the data")
    run_worker(once=True)
    _press(page, "link", "Refresh the list")
    assert page.locator("tbody .govuk-tag").all_inner_texts() == ["Done"]
    screenshot(page, "outputs-client-done")
    assert_accessible(page, "outputs-client-done")
    build = Build.objects.get()
    downloaded = _download(page, build, "Client copy of the data (CSV)", tmp_path)
    assert downloaded.name == f"{SIMULATED}-client-data-csv.zip"

    with zipfile.ZipFile(downloaded) as archive:
        assert sorted(archive.namelist()) == [
            f"{SIMULATED}-client-data.codebook.csv",
            f"{SIMULATED}-client-data.csv",
        ]
        text = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    rows = list(csv.DictReader(io.StringIO(text[f"{SIMULATED}-client-data.csv"])))
    assert len(rows) == 152
    cells = {value for row in rows for value in row.values()}
    assert not cells & unconsented, sorted(cells & unconsented)[:5]
    assert consented <= cells  # the names that may be shown are there: the check above can fail
    everything = "\n".join(text.values())
    assert not [email for email in emails if email in everything]
    assert "@" not in everything
    page.context.close()
