"""A seeded fuzzer of every survey and office form, for the fuzz test and `bench/fuzz.py`.

It crawls the site as each kind of visitor (a respondent signed in with a code, a researcher, a
client analyst, someone signed out), collecting every link and every form with the values the
page offers. It then sends requests made from them: mostly forms with some fields changed to
hostile values (control characters, "²", huge numbers, formulas, markup, very long and empty
text, unknown options, repeated and missing fields, odd uploads), links with a part of the path
or the query string replaced. A response of 500 or more is a failure; everything else (a page,
a redirect, a 400, 403, 404, 405, 429) is the site saying no properly. Django's test client
runs the requests in this process; signed-in visitors are signed in again now and then, as the
fuzzer may sign them out.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "²",
    "٣",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "-99999999999999999999999",
    '=HYPERLINK("http://x.example","y")',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "'; DROP TABLE x;--",
    "//evil.example/",
    "2017-02-30",
    "9999-12-31T99:99",
    "\r\n\r\n",
    "\u202eevil",
    "🙂" * 50,
    "é" * 300,
    "x" * 5000,
]
UPLOADS = [
    b"",
    b"\x00\x01\x02binary",
    b"unit_key,name,email,main\n",
    b"unit_key,name,email,main\n840,Ada\x00,ada@example.com,yes\n",
    b"unit_key,name,email,main\n840," + b"x" * 140_000 + b",ada@example.com,yes\n",
    "unit_key,name,email,main\n840,Zoë,zoe@example.com,yes\n".encode("latin-1"),
    b'unit_key,name,email,main\n840,=HYPERLINK("x"),ada@example.com,yes\n',
    b"PK\x03\x04 not really a zip",
]
SKIP = ("/static/",)


@dataclass
class Form:
    """A form found on a page: where it goes, how, and the values its page offers for each field."""

    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    """The links and forms of one page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option" and self._select is not None and self.forms:
            self.forms[-1].fields[self._select].append(a.get("value", ""))
        elif tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("method", "get").upper(), a.get("action") or self.page))
        elif not self.forms or "name" not in a:
            return
        elif tag in ("input", "button"):
            if a.get("type") == "file":
                self.forms[-1].files.append(a["name"])
            else:
                self.forms[-1].fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].fields.setdefault(a["name"], [])
        elif tag == "textarea":
            self.forms[-1].fields.setdefault(a["name"], []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass
class Visitor:
    """A kind of visitor: how to get a client of theirs, and where their crawl starts."""

    name: str
    client: Callable[[], Client]
    start: list[str]


@dataclass
class Tally:
    """What a fuzzing run did: requests by status, and the requests that failed (status 500 or more)."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many requests got a server error."""
        return sum(n for status, n in self.statuses.items() if status >= 500)


@dataclass
class Target:
    """Something to send: a link (GET) or a form, as one visitor found it."""

    visitor: Visitor
    link: str = ""
    form: Form | None = None


def crawl(visitor: Visitor, limit: int = 80) -> list[Target]:
    """Every kind of link and form the visitor can reach from their start pages (at most `limit` pages).

    Pages that differ only in an id or a unit key (a unit's contacts, one answer to code) are
    one kind: two of each are enough, and the crawl reaches every kind rather than 152 units.
    """
    client = _answering(visitor.client())
    queue, seen, kinds, targets = list(visitor.start), set(), Counter(), []
    while queue and len(seen) < limit:
        page = queue.pop(0)
        path = urlsplit(page).path
        kind = re.sub(r"/[0-9][^/]*/", "/#/", path)
        if path in seen or kinds[kind] >= 2 or path.startswith(SKIP) or "logout" in path:
            continue
        seen.add(path)
        kinds[kind] += 1
        response = client.get(page, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        here = response.request["PATH_INFO"]
        parser = _PageParser(here)
        parser.feed(response.content.decode())
        targets.append(Target(visitor, link=here))
        targets.extend(Target(visitor, form=form) for form in parser.forms)
        queue.extend(link for link in parser.links if urlsplit(link).path not in seen)
    return targets


def _answering(client: Client) -> Client:
    """The client, answering a fault with the server's 500 page (as a browser sees it) instead of raising."""
    client.raise_request_exception = False
    return client


class Fuzzer:
    """Requests made from crawled targets with hostile values, sent and tallied (seeded: a run repeats)."""

    def __init__(self, visitors: list[Visitor], seed: int = 1, refresh: int = 150) -> None:
        self.random = random.Random(seed)
        self.visitors = visitors
        self.targets = [t for v in visitors for t in crawl(v)]
        self.refresh = refresh
        self.clients: dict[str, Client] = {}

    def run(self, requests: int) -> Tally:
        """Send `requests` requests; the tally of their statuses and failures."""
        tally = Tally()
        for number in range(requests):
            if number % self.refresh == 0:
                self.clients = {v.name: _answering(v.client()) for v in self.visitors}
            visitor = self.random.choice(self.visitors)  # each kind of visitor as often, whatever they can reach
            target = self.random.choice([t for t in self.targets if t.visitor is visitor] or self.targets)
            client = self.clients[target.visitor.name]
            method, path, described, response = self._send(client, target)
            tally.requests += 1
            tally.statuses[response.status_code] += 1
            if response.status_code >= 500:
                tally.failures.append(f"{target.visitor.name} {method} {path} {described}"[:300])
        return tally

    def _send(self, client: Client, target: Target) -> tuple[str, str, str, object]:
        if target.form is None:
            path = self._mangled_path(target.link)
            query = self._query({}) if self.random.random() < 0.5 else {}
            return "GET", path, repr(query), client.get(path, query)
        form = target.form
        data = self._values(form)
        if form.method == "GET":
            return "GET", form.action, repr(data), client.get(form.action, data)
        for name in form.files:
            if self.random.random() < 0.9:
                body = self.random.choice(UPLOADS)
                data[name] = SimpleUploadedFile(self._file_name(), body, "text/csv")
        return "POST", form.action, repr(data)[:200], client.post(form.action, data)

    def _values(self, form: Form) -> dict[str, object]:
        data: dict[str, object] = {}
        for name, offered in form.fields.items():
            roll = self.random.random()
            if roll < 0.08:
                continue  # left out
            if roll < 0.35 or not offered:
                data[name] = self.random.choice(HOSTILE)
            elif roll < 0.42:
                data[name] = self.random.sample(offered, min(len(offered), 2)) + [self.random.choice(HOSTILE)]
            else:
                data[name] = self.random.choice(offered)
        if self.random.random() < 0.1:
            data[self.random.choice(HOSTILE[5:12]) or "extra"] = self.random.choice(HOSTILE)
        return data

    def _query(self, data: dict[str, object]) -> dict[str, object]:
        names = ["show", "q", "as_of", "next", "back", "unit", "page", "status", "sort", "\x00"]
        return {self.random.choice(names): self.random.choice(HOSTILE) for _ in range(self.random.randint(1, 3))}

    def _mangled_path(self, link: str) -> str:
        path = urlsplit(link).path
        if self.random.random() < 0.5:
            return path
        parts = path.split("/")
        inner = [i for i, part in enumerate(parts) if part]
        if inner:
            parts[self.random.choice(inner)] = quote(self.random.choice(HOSTILE) or "x", safe="")
        return "/".join(parts)

    def _file_name(self) -> str:
        return self.random.choice(["contacts.csv", "é" * 200 + ".csv", "a\x00b.csv", "../../x.csv", ".csv", "x" * 300])


def standard_visitors(
    code: str,
    researcher: Callable[[], Client],
    client_analyst: Callable[[], Client],
    slugs: list[str],
    questions: list[str],
) -> list[Visitor]:
    """The four visitors over the waves `slugs`: a respondent with `code`, a researcher, a client, someone signed out.

    `questions` are the survey's question pages ("csc/SWoff"), where the respondent's crawl starts.
    """

    def respondent() -> Client:
        # From an address of its own: the wrong codes the signed-out visitor sends must not hold it back.
        browser = Client(REMOTE_ADDR="192.0.2.10")
        browser.post("/survey/", {"code": code, "name": "Ada Example", "role": "Analyst"})
        return browser

    office = ["/office/", *[f"/office/waves/{slug}/" for slug in slugs], *[f"/office/coding/{slug}/" for slug in slugs]]
    office += [f"/office/outputs/{slug}/" for slug in slugs]
    survey = ["/survey/sections/", *[f"/survey/sections/{page}/" for page in questions]]
    survey += ["/survey/finish/", "/survey/complete/", "/survey/copy/"]  # the finishing forms and the copy
    return [
        Visitor("respondent", respondent, survey),
        Visitor("researcher", researcher, ["/", "/frame/", *office]),
        Visitor("client", client_analyst, office),
        Visitor("anonymous", Client, ["/", "/survey/", "/accounts/login/", f"/s/{code}", *survey[:3], *office[:2]]),
    ]


def question_pages(questionnaire) -> list[str]:  # noqa: ANN001 - a Questionnaire
    """Every question page of the survey, as `section/question`."""
    return [f"{section.id}/{question.id}" for section in questionnaire.sections for question in section.questions]
