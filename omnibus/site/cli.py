"""The `omnibus` command: one entry point, a subcommand group per stage of the data flow."""

import click

from omnibus.coding.commands import coding
from omnibus.context.commands import context
from omnibus.dataset.commands import dataset, export, responses, simulate_command
from omnibus.fieldwork.call_commands import calls
from omnibus.fieldwork.commands import codes, load_questionnaire, wave
from omnibus.fieldwork.contact_commands import audit, contacts, erase_contacts_command, wave_retention
from omnibus.fieldwork.message_commands import messages, worker
from omnibus.frame.commands import frame
from omnibus.questionnaire.commands import questionnaire
from omnibus.report.commands import report, tables
from omnibus.site.commands import demo, django_admin, serve, user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Omnibus: recurring census surveys of organisations, from questionnaire to report."""


questionnaire.add_command(load_questionnaire)
main.add_command(questionnaire)
main.add_command(frame)
wave.add_command(wave_retention)
wave.add_command(erase_contacts_command)
main.add_command(wave)
main.add_command(codes)
main.add_command(contacts)
main.add_command(calls)
main.add_command(messages)
main.add_command(worker)
main.add_command(audit)
main.add_command(simulate_command)
main.add_command(responses)
main.add_command(dataset)
main.add_command(export)
main.add_command(tables)
main.add_command(report)
main.add_command(coding)
main.add_command(context)
main.add_command(serve)
main.add_command(demo)
main.add_command(django_admin)
main.add_command(user)
