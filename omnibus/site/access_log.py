"""gunicorn's access log, with the access code taken out of every invitation link it would show.

An invitation link is /s/CODE, and the code signs anyone in as that authority. The link is
exchanged for a session on its first use (`collect.views.invitation`), but the request for it
still reaches the server, so the log line (the request, the path, the Referer, any header)
shows /s/[code] instead.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# /s/ then anything up to the end of the path: the query, the fragment, a space or a quote.
INVITATION_LINK = re.compile(r"/s/[^\s?#\"]+")
REDACTED = "/s/[code]"


def redact(text: str) -> str:
    """`text` with the code of every invitation link in it replaced by [code]."""
    return INVITATION_LINK.sub(REDACTED, text)


class RedactingLogger(Logger):
    """gunicorn's logger; every text an access-log line could show is redacted first."""

    def atoms(self, resp, req, environ, request_time) -> dict[str, object]:  # noqa: ANN001 - gunicorn's objects
        """The values the access-log format is filled from, invitation codes redacted."""
        found = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in found.items()}
