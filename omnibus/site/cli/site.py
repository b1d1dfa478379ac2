"""Commands that run the site: `omnibus demo`, `omnibus django …`, `omnibus user …` (`serve` is in serve.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import ValidationError, validate_password
from django.core.management import call_command, execute_from_command_line
from django.utils import timezone

from omnibus.analysis.spec import load_spec
from omnibus.coding.demo import code_demo
from omnibus.collect.models import Answer
from omnibus.context.demo import load_demo_context
from omnibus.core.roles import RESEARCHER, ROLES
from omnibus.dataset.build import build_dataset
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import QuestionnaireVersion, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import VersionConflict, store_questionnaire
from omnibus.fieldwork.waves import create_wave, start_link
from omnibus.frame.store import load_frame
from omnibus.report.chapters.context import context_tables, read_context_spec
from omnibus.report.demo import build_demo_report
from omnibus.report.tabbook import write_tabbook
from omnibus.site.demo_appg import AppgDemo, set_up_appg_demo
from omnibus.site.demo_forums import ForumsDemo, set_up_forums_demo

DEMO_QUESTIONNAIRE = Path("examples/questionnaires/cso-wave3.yaml")
DEMO_FRAME = Path("examples/frame/england-la-2017.csv")
DEMO_FRAME_AS_OF = date(2017, 9, 1)
DEMO_WAVE = "cso-wave3-demo"
DEMO_SPEC = Path("examples/analysis/cso-wave3.yaml")
DEMO_CONTEXT = Path("examples/context/context.yaml")
DEMO_USER = "researcher"
DEMO_PASSWORD = "omnibus-demo"  # a demo on the researcher's own machine; never a deployment's
DEMO_SECTION_SHARES = (0.47, 0.39, 0.36)  # the CSO Wave 3 seed: of all 152 LAs, 47% answered CSC, 39% EY, 36% SEND


def _address(addrport: str) -> str:
    return f"http://{addrport}/"


@click.command()
@click.option("--addrport", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set up the demo data and stop, without starting the server.")
def demo(addrport: str, no_serve: bool) -> None:
    """Set up the demo (database, the Wave 3 questionnaire, the frame of local authorities) and serve it.

    A second survey, of made-up parent carer forums, is set up beside it on its own population, and
    a third, the APPG's five-question survey of directors of children's services, runs straight
    through with answers built to the figures the inquiry published."""
    root = settings.PROJECT_DIR
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    stored = _demo_questionnaire(root / DEMO_QUESTIONNAIRE)
    version = load_frame(root / DEMO_FRAME, DEMO_FRAME_AS_OF, "england-la")
    context_lines = load_demo_context()
    demo_wave = _demo_wave(stored)
    example = demo_wave.units.order_by("name").first()
    code = unseal(example.code_sealed)
    _demo_researcher()
    tabbook, coding_line = _demo_answers_and_tables(demo_wave, example, root)
    report_files = _demo_report(demo_wave)
    forums = set_up_forums_demo(root)
    appg = set_up_appg_demo(root)
    url = _address(addrport)
    click.echo(
        "\n".join(
            [
                f"Questionnaire: {stored.title} ({stored.survey} {stored.version}) from {DEMO_QUESTIONNAIRE}",
                f"Frame: {version.row_count} local authorities as of {DEMO_FRAME_AS_OF} from {DEMO_FRAME}",
                "Local context (official statistics; bands as frame attributes):",
                *context_lines,
                f"Wave: {demo_wave.slug}, open until {demo_wave.closes_at:%d %B %Y}, "
                f"{demo_wave.units.count()} access codes",
                "",
                "Where to look:",
                f"  {url}                      what is loaded",
                f"  {url}questionnaires/{stored.survey}/{stored.version}/   the questionnaire as printed",
                f"  {url}frame/                the population frame (?as_of=YYYY-MM-DD)",
                f"  {start_link(url, code)}   the survey as {example.name} answers it (access code {code})",
                f"  {url}office/               the back office: tracking, contacts, messages, calls, audit "
                f"(sign in as {DEMO_USER} / {DEMO_PASSWORD})",
                f"  {url}survey/preview/{stored.survey}/{stored.version}/   a preview, as that researcher",
                f"  omnibus codes export {demo_wave.slug}      every LA's access code, for a mail merge",
                f"  {url}office/coding/{demo_wave.slug}/SocImprov/   coding open answers ({coding_line})",
                f"  {url}office/coding/{demo_wave.slug}/quotes/   quotes for the report, checked for disclosure",
                f"  {tabbook}   the tab book of the demo wave (SocImprov's themes; a Context sheet)",
                f"  {report_files['html']}   the demo wave's report (its .pdf and .docx beside it)",
                f"  omnibus report {demo_wave.slug} --spec examples/reports/cso-wave3.yaml -o out/report   again",
                f"  omnibus coding export {demo_wave.slug} SocImprov -o out/socimprov.csv   coding in a spreadsheet",
                f"  omnibus export {demo_wave.slug} --format sav -o out/cso-wave3.sav   the dataset for SPSS",
                f"  omnibus tables {demo_wave.slug} --spec {DEMO_SPEC} -o out/tables.csv   every figure as published",
                f"  omnibus publish {demo_wave.slug} --format ees --spec {DEMO_SPEC} -o out/ees   "
                "Explore Education Statistics files, checked",
                f"  omnibus publish {demo_wave.slug} --format ods -o out/tables   accessible tables (ODS; or xlsx)",
                "  omnibus worker   sends queued messages, builds the outputs asked for on the web, suggests codes",
                "  omnibus context variation cla_rate:2016 -o out/cla-2016.png   how LAs vary (the APPG's figures)",
                "  omnibus context scatter imd_score:2019 cla_rate:2016 -o out/cla-imd.png   care rate vs IMD",
                f"  omnibus context breakdown {demo_wave.slug} ConfUnd --by cin_rate_band   answers by CiN band",
                f"  omnibus questionnaire render {DEMO_QUESTIONNAIRE} --format xlsx -o out/cso-wave3.xlsx",
                *_forums_lines(forums, url),
                *_appg_lines(appg, url),
            ]
        )
    )
    if not no_serve:
        call_command("runserver", addrport, use_reloader=False)


def _forums_lines(forums: ForumsDemo, url: str) -> list[str]:
    """Where to look in the second survey, of parent carer forums (a population that is not LAs)."""
    slug = forums.wave.slug
    return [
        "",
        f"A second survey, of another population: {forums.wave.title} ({forums.wave.units.count()} made-up "
        "parent carer forums, examples/*/parent-carer-forums*)",
        f"  {url}office/waves/{slug}/   its wave: Table 3 on the forums' own attributes",
        f"  {url}frame/?population=parent-carer-forums   its frame",
        f"  {start_link(url, forums.code)}   the survey as {forums.example.name} answers it",
        f"  {url}office/waves/{slug}/messages/   its invitation (examples/messages/parent-carer-forums-invitation.md)",
        f"  {forums.tabbook}   its tab book; {forums.coding}",
        f"  {forums.report}   its report",
    ]


def _appg_lines(appg: AppgDemo, url: str) -> list[str]:
    """Where to look in the third survey: a linear survey whose answers reproduce published figures."""
    slug = appg.wave.slug
    return [
        "",
        f"A third survey, run straight through: {appg.wave.title} ({appg.responding} of "
        f"{appg.wave.units.count()} directors, answers built to the published figures, examples/*/appg-dcs-2016*)",
        f"  {url}survey/preview/{appg.survey}/{appg.version}/   the linear survey: Q1 to Q5, rates with their date",
        f"  {url}office/waves/{slug}/   its wave",
        f"  {appg.tabbook}   its tab book: 80%, 54% and 89%, average rates of 16%",
        f"  {appg.report}   its report",
        "  omnibus messages check examples/messages/appg-dcs-invitation.md   its invitation",
    ]


def _demo_questionnaire(path: Path) -> QuestionnaireVersion:
    """The example questionnaire, stored; once the demo wave uses it, an edited file is reported, not loaded."""
    try:
        return store_questionnaire(path, replace=True)[0]
    except VersionConflict as error:
        click.echo(f"Note: {error}; the demo keeps the version it has (delete the data folder to start afresh).")
        return QuestionnaireVersion.objects.get(waves__slug=DEMO_WAVE)


def _demo_wave(stored: QuestionnaireVersion) -> Wave:
    """The demo's wave: open from yesterday for two months, made once and kept."""
    existing = Wave.objects.filter(slug=DEMO_WAVE).first()
    if existing is not None:
        return existing
    now = timezone.now()
    return create_wave(
        DEMO_WAVE,
        stored.title,
        stored,
        "england-la",
        DEMO_FRAME_AS_OF,
        now - timedelta(days=1),
        now + timedelta(days=60),
    )


def _demo_answers_and_tables(demo_wave: Wave, example: WaveUnit, root: Path) -> tuple[Path, str]:
    """Simulated answers for every LA but the one whose code is printed, SocImprov coded, and the tab book."""
    if not Answer.objects.filter(wave_unit__wave=demo_wave).exclude(wave_unit=example).exists():
        simulate(demo_wave, seed=2017, response_rate=0.51, leave={example.pk}, section_shares=DEMO_SECTION_SHARES)
    coding_line = code_demo(demo_wave)
    path = Path(settings.DATA_DIR) / "cso-wave3-demo-tabbook.xlsx"
    dataset = build_dataset(demo_wave)
    context = context_tables(read_context_spec(root / DEMO_CONTEXT), demo_wave, dataset)
    write_tabbook([dataset], load_spec(root / DEMO_SPEC), path, context=context)
    return path, coding_line


def _demo_report(demo_wave: Wave) -> dict[str, Path]:
    """The demo wave's research report in HTML, PDF and Word, progress on stderr."""
    click.echo("Building the demo wave's report:", err=True)
    return build_demo_report(
        demo_wave, Path(settings.DATA_DIR) / "report", say=lambda line: click.echo(f"  {line}", err=True)
    )


def _demo_researcher() -> None:
    """A researcher account for the demo's preview link (demo only: a deployment makes its own)."""
    account, _ = get_user_model().objects.get_or_create(username=DEMO_USER, defaults={"is_staff": True})
    account.set_password(DEMO_PASSWORD)
    account.save()
    account.groups.add(Group.objects.get_or_create(name=RESEARCHER)[0])


@click.command("django", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def django_admin(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, …) with Omnibus's settings."""
    execute_from_command_line(["omnibus django", *args])


@click.group()
def user() -> None:
    """Back-office users and their roles (researcher: everything; client: tracking and outputs)."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--email", default="", help="The user's email address.")
@click.password_option(help="The password (asked for twice when not given).")
def user_add(username: str, role: str, email: str, password: str) -> None:
    """Add a back-office user with a role, or change an existing user's role and password."""
    users = get_user_model()
    account = users.objects.filter(username=username).first()
    created = account is None
    if created:
        account = users(username=username, email=email)
    try:
        validate_password(password, account)  # before anything is saved: a refused password adds nobody
    except ValidationError as error:
        raise click.ClickException("the password is refused: " + " ".join(error.messages)) from None
    account.set_password(password)
    account.save()
    account.groups.set([Group.objects.get_or_create(name=role)[0]])
    click.echo(f"{'Added' if created else 'Updated'} {username} as a {role}")
