"""Mail backends: SMTP configured from the environment, and GOV.UK Notify as an option.

A backend takes an `Outgoing` email and either returns the id the service gave it or raises
`TransientError` (try again later: a 4xx reply, a refused or dropped connection) or
`PermanentError` (do not try again: a 5xx reply). The outbox decides what to do with each.

Environment:
    OMNIBUS_MAIL_BACKEND      smtp (default) or notify
    OMNIBUS_SMTP_HOST         default 127.0.0.1
    OMNIBUS_SMTP_PORT         default 25
    OMNIBUS_SMTP_USER, OMNIBUS_SMTP_PASSWORD   log in when both are set
    OMNIBUS_SMTP_STARTTLS     1 to upgrade the connection with STARTTLS
    OMNIBUS_SMTP_TIMEOUT      seconds, default 30
    OMNIBUS_SMTP_FROM         the From address, e.g. "Children's services census <census@example.org>"
    OMNIBUS_NOTIFY_API_KEY, OMNIBUS_NOTIFY_TEMPLATE_ID   for the Notify backend (see `NotifyMailer`)
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class MailError(Exception):
    """A message the mail service did not take; `code` is its reply code when there was one."""

    def __init__(self, text: str, code: int | None = None) -> None:
        super().__init__(text)
        self.code = code


class TransientError(MailError):
    """Worth trying again later."""


class PermanentError(MailError):
    """Not worth trying again: the error is shown against the contact."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    content: bytes
    maintype: str = XLSX_TYPE[0]
    subtype: str = XLSX_TYPE[1]


@dataclass(frozen=True)
class Outgoing:
    """An email ready to go: one recipient, plain text, a stable Message-ID."""

    to_name: str
    to_email: str
    subject: str
    body: str
    message_id: str
    attachments: list[Attachment] = field(default_factory=list)


class Mailer(Protocol):
    """What the outbox needs of a backend."""

    def send(self, email: Outgoing) -> str:
        """Send `email`; return the service's id for it, or raise TransientError or PermanentError."""
        ...


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the mail server."""

    host: str = "127.0.0.1"
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 30.0
    from_address: str = "Omnibus <omnibus@localhost>"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpConfig:
        """The configuration in the environment (OMNIBUS_SMTP_*)."""
        env = os.environ if env is None else env
        return cls(
            host=env.get("OMNIBUS_SMTP_HOST", cls.host),
            port=int(env.get("OMNIBUS_SMTP_PORT", cls.port)),
            user=env.get("OMNIBUS_SMTP_USER", ""),
            password=env.get("OMNIBUS_SMTP_PASSWORD", ""),
            starttls=env.get("OMNIBUS_SMTP_STARTTLS", "0").lower() in ("1", "true", "yes"),
            timeout=float(env.get("OMNIBUS_SMTP_TIMEOUT", cls.timeout)),
            from_address=env.get("OMNIBUS_SMTP_FROM", cls.from_address),
        )


def mime_of(email: Outgoing, from_address: str) -> EmailMessage:
    """The MIME message: plain text with the attachments, and the message's own Message-ID."""
    mime = EmailMessage()
    mime["From"] = from_address
    mime["To"] = f'"{email.to_name}" <{email.to_email}>' if email.to_name else email.to_email
    mime["Subject"] = email.subject
    mime["Date"] = formatdate(localtime=True)
    mime["Message-ID"] = email.message_id
    mime.set_content(email.body)
    for item in email.attachments:
        mime.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename)
    return mime


class SmtpMailer:
    """Sends through an SMTP server, one connection per message (a batch is small and reconnecting is simple)."""

    def __init__(self, config: SmtpConfig | None = None) -> None:
        self.config = config or SmtpConfig.from_env()

    def send(self, email: Outgoing) -> str:
        """Send one message; SMTP replies are sorted into transient (4xx, connection) and permanent (5xx)."""
        mime = mime_of(email, self.config.from_address)
        try:
            with smtplib.SMTP(self.config.host, self.config.port, timeout=self.config.timeout) as smtp:
                self._open(smtp)
                smtp.send_message(mime)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _classified(code, reply) from error
        except smtplib.SMTPResponseException as error:
            raise _classified(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            # A refused, dropped or timed-out connection: the server may be back shortly.
            raise TransientError(f"{type(error).__name__}: {error}") from error
        return email.message_id

    def _open(self, smtp: smtplib.SMTP) -> None:
        if self.config.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if self.config.user and self.config.password:
            smtp.login(self.config.user, self.config.password)


def _classified(code: int, reply: bytes | str) -> MailError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    kind = PermanentError if 500 <= code < 600 else TransientError
    return kind(f"{code} {text}", code)


class NotifyMailer:
    """GOV.UK Notify, for services that send through it (optional: `pip install notifications-python-client`).

    Notify sends from its own templates, so make one email template in Notify whose subject is
    `((subject))` and whose body is `((body))`, and give its id in OMNIBUS_NOTIFY_TEMPLATE_ID.
    An attachment goes as a link (Notify's `prepare_upload`), which needs `((link_to_file))` in the
    template and the service's permission to send files. Notify takes our Message-ID as its
    `reference`. Bounces are reported by Notify's callbacks: record them with `omnibus messages bounce`.
    """

    def __init__(self, api_key: str | None = None, template_id: str | None = None) -> None:
        # Imported here so that the package is needed only by those who choose Notify.
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key or os.environ["OMNIBUS_NOTIFY_API_KEY"])
        self.template_id = template_id or os.environ["OMNIBUS_NOTIFY_TEMPLATE_ID"]

    def send(self, email: Outgoing) -> str:
        """Send through Notify; 4xx answers other than 429 (rate limit) are permanent."""
        from notifications_python_client import prepare_upload
        from notifications_python_client.errors import HTTPError

        personalisation: dict[str, object] = {"subject": email.subject, "body": email.body}
        if email.attachments:
            personalisation["link_to_file"] = prepare_upload(email.attachments[0].content)
        try:
            answer = self.client.send_email_notification(
                email_address=email.to_email,
                template_id=self.template_id,
                personalisation=personalisation,
                reference=email.message_id,
            )
        except HTTPError as error:
            status = int(getattr(error, "status_code", 500))
            kind = TransientError if status == 429 or status >= 500 else PermanentError
            raise kind(f"Notify {status}: {error.message}", status) from error
        return str(answer.get("id", ""))


def mailer_from_env(env: Mapping[str, str] | None = None) -> Mailer:
    """The backend the environment asks for (OMNIBUS_MAIL_BACKEND: smtp or notify)."""
    env = os.environ if env is None else env
    choice = env.get("OMNIBUS_MAIL_BACKEND", "smtp").lower()
    if choice == "notify":
        return NotifyMailer(env.get("OMNIBUS_NOTIFY_API_KEY"), env.get("OMNIBUS_NOTIFY_TEMPLATE_ID"))
    if choice != "smtp":
        raise ValueError(f"OMNIBUS_MAIL_BACKEND must be smtp or notify, not {choice!r}")
    return SmtpMailer(SmtpConfig.from_env(env))
