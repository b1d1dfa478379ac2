"""The `omnibus` command: one entry point, a subcommand group per stage of the data flow.

The commands live one module per package of the data flow beside this file. A module is
imported only when one of its commands runs, and Django is set up once, just before the first
module that needs it: every module imports its models at the top, while `omnibus --help`,
`omnibus questionnaire check` and `omnibus serve` run without Django having started.
"""

from __future__ import annotations

import importlib

import click

from omnibus.core.setup import setup_django

# Modules imported without Django: the questionnaire language is pure Python, and `serve`
# chooses Django's settings (through the environment) before Django may read them.
WITHOUT_DJANGO = frozenset({"omnibus.site.cli.questionnaire", "omnibus.site.cli.serve"})


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when they run.

    `lazy` maps a command's name to ("module:attribute", summary). The summary is the first
    line of the command's help, listed by --help without importing the module (a test checks
    that each one matches the command's own help).
    """

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        command = load(self.lazy[cmd_name][0])
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click does, with the summaries of those not imported yet."""
        listed = [(name, self._listed(name)) for name in self.list_commands(ctx)]
        listed = [(name, command) for name, command in listed if not command.hidden]
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in listed])

    def _listed(self, name: str) -> click.Command:
        """The command if it is imported already, else a stand-in holding its summary."""
        if name in self.commands:
            return self.commands[name]
        return click.Command(name, help=self.lazy[name][1])


def load(reference: str) -> click.Command:
    """The command at "module:attribute", its module imported after Django is set up (unless it must not be)."""
    module_name, _, attribute = reference.partition(":")
    if module_name not in WITHOUT_DJANGO:
        setup_django()
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{reference} is not a click command")
    return command


COMMANDS = {
    "questionnaire": (
        "omnibus.site.cli.questionnaire:questionnaire",
        "Check, render and import questionnaire files (YAML).",
    ),
    "frame": (
        "omnibus.site.cli.frame:frame",
        "The population frame: the units surveyed, with codes and dated attributes.",
    ),
    "wave": (
        "omnibus.site.cli.fieldwork:wave",
        "Create and list waves (a questionnaire version, the frame as of a date, opening and closing times).",
    ),
    "codes": ("omnibus.site.cli.fieldwork:codes", "Access codes for mail merges."),
    "contacts": (
        "omnibus.site.cli.fieldwork:contacts",
        "A wave's contacts: import from CSV, add, list, and each unit's nomination status.",
    ),
    "calls": (
        "omnibus.site.cli.fieldwork:calls",
        "The call log: telephone reminders per unit, and the list of units still to ring.",
    ),
    "messages": (
        "omnibus.site.cli.fieldwork:messages",
        "Invitations and reminders: templates with merge fields, previews, sending through the outbox.",
    ),
    "worker": (
        "omnibus.site.cli.fieldwork:worker",
        "Run background tasks from the database queue: the outbox, outputs built on the web, code suggestions.",
    ),
    "audit": (
        "omnibus.site.cli.fieldwork:audit",
        "The audit trail: who viewed, changed, sent, exported, imported or erased what, and when.",
    ),
    "simulate": (
        "omnibus.site.cli.dataset:simulate_command",
        "Fill WAVE with synthetic answers, walked through the questionnaire's routing (for demos and tests).",
    ),
    "responses": (
        "omnibus.site.cli.dataset:responses",
        "Responses from outside the web survey: telephone, paper, returned Excel copies, files.",
    ),
    "dataset": (
        "omnibus.site.cli.dataset:dataset",
        "The analysis dataset: one row per unit of a wave, routing-aware missing codes.",
    ),
    "export": (
        "omnibus.site.cli.dataset:export",
        "Export WAVE's dataset as CSV, XLSX, SPSS .sav or Parquet, with its codebook.",
    ),
    "tables": (
        "omnibus.site.cli.report:tables",
        "Write WAVE's tab book (or its figures as CSV): every question's base, breakdowns, nets, means and changes.",
    ),
    "report": (
        "omnibus.site.cli.report:report",
        "The research report of a wave in HTML, PDF and Word, driven by a report specification (docs/report.md).",
    ),
    "publish": (
        "omnibus.site.cli.report:publish_command",
        "Write WAVE's tables as official statistics: EES data files, or an accessible ODS or XLSX workbook.",
    ),
    "coding": ("omnibus.site.cli.coding:coding", "Code frames and the coding of open responses."),
    "context": (
        "omnibus.site.cli.context:context",
        "Load indicators, band them into frame attributes, and summarise how units vary.",
    ),
    "serve": (
        "omnibus.site.cli.serve:serve",
        "Serve Omnibus in production: migrate, then gunicorn with several workers (settings from the environment).",
    ),
    "demo": (
        "omnibus.site.cli.site:demo",
        "Set up the demo (database, the Wave 3 questionnaire, the frame of local authorities) and serve it.",
    ),
    "django": (
        "omnibus.site.cli.site:django_admin",
        "Run a Django management command (migrate, createsuperuser, …) with Omnibus's settings.",
    ),
    "user": (
        "omnibus.site.cli.site:user",
        "Back-office users and their roles (researcher: everything; client: tracking and outputs).",
    ),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Omnibus: recurring census surveys of organisations, from questionnaire to report."""
