"""Every page of every role (issue 15), DEBUG off, over the demo data: crawled from the front page through every
same-site link and form-less GET, none answers 500, and no page shows an English word outside code samples
(<code>, <pre>), identifiers with digits (case, certificate and receipt numbers) and a small dictionary of names
and formats every Chinese office writes in Latin letters."""

import html
import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

from tests.web.test_demo_pages import ACCOUNTS

pytestmark = pytest.mark.django_db
# Formats and proper names written in Latin letters in Chinese government pages.
ALLOWED = {"PDF", "Excel", "YAML", "JSON", "UTF", "KB", "MB", "Cookie", "Tab", "POST", "YYYY", "MM", "DD", "Token",
           "Authorization", "API", "HTML", "xlsx", "GB"}  # fmt: skip
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/logout/", "/__test__/")
SKIP_SUFFIXES = (".pdf", ".yaml", "/download/", "/view/")
MAX_PAGES = 250


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|code|pre|svg)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def english_words(page: str, names: frozenset = frozenset()) -> set[str]:
    """Latin words of the visible text, except codes (with a digit), e-mail addresses, file names and `names`
    (sign-in names: identifiers, shown to the people who manage accounts)."""
    words = set()
    for token in re.findall(r"[A-Za-z0-9@._%+\-]+", _visible_text(page)):
        if re.search(r"\d", token) or "@" in token or "." in token or token in names:
            continue
        for word in re.findall(r"[A-Za-z]{2,}", token):
            if word not in ALLOWED:
                words.add(word)
    return words


def _links(page: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"]+)"', page):
        href = urldefrag(html.unescape(href))[0]
        if not href.startswith("/") or href.startswith("//") or "export=" in href:
            continue
        path = urlsplit(href).path
        if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
            continue
        out.append(href)
    return out


def crawl(client: Client, seen: set | None = None, names: frozenset = frozenset()) -> dict[str, set[str]]:
    """GET every reachable page once; returns {url: English words found}. A 500 raises (the test client)."""
    seen = set() if seen is None else seen
    queue, found = deque(["/"]), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        words = english_words(page, names)
        if words:
            found[url] = words
        queue.extend(link for link in _links(page) if link not in seen)
    return found


@pytest.fixture
def demo(reference):
    call_command("load_demo", stdout=io.StringIO())


@override_settings(DEBUG=False)
def test_every_page_of_every_role_is_chinese_and_never_500(demo):
    users = get_user_model().objects
    problems, visited, pages = {}, 0, 0
    names = frozenset(users.values_list("username", flat=True))
    for username in [None, *ACCOUNTS]:
        client = Client()
        if username:
            client.force_login(users.get(username=username))
        seen: set[str] = set()
        found = crawl(client, seen, names)
        pages += len(seen)
        # pages every crawl must have reached: the role's own work, the public pages, an error page
        for url in ("/gongshi/", "/verify/", "/no-such-page/", "/inbox/batch/", "/gongshi/objection/status/?receipt=x"):
            response = client.get(url)
            assert response.status_code < 500
            words = english_words(response.content.decode(), names)
            if words:
                found[url] = words
        problems.update({f"{username or '公众'} {url}": words for url, words in found.items()})
        visited += 1
    assert visited == len(ACCOUNTS) + 1
    assert pages >= 60, pages  # the demo gives every role work: the crawl reached well beyond the menus
    print(f"crawled {pages} pages of {visited} roles")
    assert not problems, "\n".join(f"{k}: {sorted(v)}" for k, v in problems.items())


def test_the_checker_finds_english():
    assert english_words("<p>Not Found</p><code>python manage.py</code>") == {"Not", "Found"}
    assert english_words("<p>ZJ2024PS000001 上传 PDF，回执 YY20241010-K7M2QX，文件 毕业证.pdf</p>") == set()
    assert english_words("<p>账号 danwei</p>", frozenset({"danwei"})) == set()
