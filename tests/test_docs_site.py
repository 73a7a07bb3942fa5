"""The built specification site: every internal link and anchor resolves, nothing is loaded from the
internet, and in headless Chromium the pages render without console errors and search finds Dutch.

These tests read a site that ``mkdocs build`` wrote; ``tox -e docs`` builds it and passes its folder
in ``WARM_REFERRAL_SITE``. Without it they are skipped (the other tox environments do not build the
site). The browser test also needs Debian's ``chromium`` and Playwright for Python.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from paths import ROOT

SITE = Path(os.environ["WARM_REFERRAL_SITE"]) if os.environ.get("WARM_REFERRAL_SITE") else None

pytestmark = pytest.mark.skipif(
    SITE is None, reason="needs a built site: run `tox -e docs` (sets WARM_REFERRAL_SITE)"
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Page(HTMLParser):
    """The ids, links (href) and loaded resources (src, stylesheets, icons) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in a:
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "link" and "href" in a:
            rel = a.get("rel", "")
            (self.links if rel in ("canonical", "alternate") else self.resources).append(a["href"])
        for key in ("src", "data-src", "poster"):
            if key in a:
                self.resources.append(a[key])
        if tag == "object" and "data" in a:
            self.resources.append(a["data"])


@functools.cache
def _parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _html_files() -> list[Path]:
    assert SITE is not None
    return sorted(SITE.rglob("*.html"))


def _is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def _target(page: Path, url: str) -> Path:
    assert SITE is not None
    path = unquote(urlsplit(url).path)
    target = (SITE / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve()


def test_the_site_has_the_pages_of_the_specification() -> None:
    assert SITE is not None
    for page in (
        "index.html",
        "berichten/verwijzing/index.html",
        "berichten/onderdelen/index.html",
        "api/index.html",
        "levenscyclus/index.html",
        "termijnen/index.html",
        "procesplaat/index.html",
        "english/index.html",
        "bibliotheek/models/index.html",
        "downloads/warme-doorverwijzing-v1.zip",
        "downloads/v1/openapi.yaml",
        "assets/javascripts/mermaid.min.js",
    ):
        assert (SITE / page).is_file(), page
    for markdown in (ROOT / "docs").rglob("*.md"):
        relative = markdown.relative_to(ROOT / "docs").with_suffix("")
        built = SITE / ("index.html" if relative.name == "index" else relative / "index.html")
        if relative.name == "index":
            built = SITE / relative.parent / "index.html"
        assert built.is_file(), f"{markdown.relative_to(ROOT)} was not built"


def test_every_internal_link_and_anchor_resolves() -> None:
    broken: list[str] = []
    checked = 0
    for page in _html_files():
        for url in _parsed(page).links + _parsed(page).resources:
            if _is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            address, fragment = urldefrag(url)
            target = _target(page, address) if address else page.resolve()
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(SITE)}: {url} (no file {target})")
                continue
            if (
                fragment
                and target.suffix == ".html"
                and unquote(fragment) not in _parsed(target).ids
            ):
                broken.append(f"{page.relative_to(SITE)}: {url} (no anchor #{fragment})")
    assert checked > 1000, f"only {checked} links checked: is the site complete?"
    assert not broken, "\n".join(broken[:50])


def test_nothing_is_loaded_from_the_internet() -> None:
    external = [
        f"{page.relative_to(SITE)}: {url}"
        for page in _html_files()
        for url in _parsed(page).resources
        if _is_external(url)
    ]
    assert not external, "\n".join(external)
    links = {url for page in _html_files() for url in _parsed(page).links if _is_external(url)}
    assert not links, f"the site links outside itself: {sorted(links)}"
    for css in (SITE / "assets").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{css} loads a remote url()"


def test_every_requirement_has_an_anchor_when_the_catalogue_exists() -> None:
    catalogue = ROOT / "spec" / "v1" / "eisen.yaml"
    if not (ROOT / "docs" / "eisen.md").exists():
        pytest.skip(
            "docs/eisen.md does not exist yet (the conformance kit, issue 11, generates it)"
        )
    assert SITE is not None
    ids = _parsed(SITE / "eisen" / "index.html").ids
    found = set(re.findall(r"\bWD-[A-Z]+-[0-9]+\b", catalogue.read_text(encoding="utf-8")))
    assert found, "no requirement ids found in spec/v1/eisen.yaml"
    assert found <= ids, f"requirements without an anchor: {sorted(found - ids)}"


# --- in a browser ------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The site served over HTTP on a free loopback port (search needs HTTP, not file://)."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(
            f"no {CHROMIUM}: install Debian's chromium (apt-get install -y chromium) to run the "
            "browser test"
        )
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is in the docs dependency group"
    )
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_FLAGS,
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser: object, url: str, path: str) -> tuple[object, list[str], list[str]]:
    """A page at path, with the console errors and the requests that left the site."""
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: object) -> None:
        if r.request.url.startswith(url):  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.goto(url + path, wait_until="networkidle")
    return page, errors, outside


def _wait_for_diagrams(page: object, path: str) -> int:
    """Wait until Material has drawn every Mermaid diagram of the page; return how many.

    The HTML holds each diagram as ``pre.mermaid``; Material replaces it by a ``div.mermaid`` with the
    SVG in a closed shadow root, so a drawn diagram shows as a div with a real height.
    """
    total = page.locator("pre.mermaid, div.mermaid").count()  # type: ignore[attr-defined]
    if total:
        page.wait_for_function(  # type: ignore[attr-defined]
            "n => document.querySelectorAll('pre.mermaid').length === 0 && "
            "[...document.querySelectorAll('div.mermaid')].filter("
            "d => d.getBoundingClientRect().height > 100).length === n",
            arg=total,
            timeout=30_000,
        )
    return int(total)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "berichten/verwijzing/",
        "procesplaat/",
        "levenscyclus/",
        "api/",
        "eisen/",
    ],
)
def test_pages_render_in_chromium_without_console_errors(
    browser: object, site_url: str, path: str
) -> None:
    assert SITE is not None
    if path == "eisen/" and not (ROOT / "docs" / "eisen.md").exists():
        pytest.skip(
            "docs/eisen.md does not exist yet (the conformance kit, issue 11, generates it)"
        )
    page, errors, outside = _open(browser, site_url, path)
    try:
        assert page.locator("h1").first.inner_text().strip()  # type: ignore[attr-defined]
        _wait_for_diagrams(page, path)
        assert not errors, f"console errors on {path!r}: {errors}"
        assert not outside, f"{path!r} requested outside the site: {outside}"
    finally:
        page.close()  # type: ignore[attr-defined]


def test_the_diagrams_render_on_the_pages_that_have_them(browser: object, site_url: str) -> None:
    for path in ("procesplaat/", "levenscyclus/"):
        page, errors, outside = _open(browser, site_url, path)
        try:
            assert _wait_for_diagrams(page, path) >= 1, f"no diagram on {path!r}"
            assert not errors, errors
            assert not outside, outside
        finally:
            page.close()  # type: ignore[attr-defined]


def test_search_finds_a_dutch_word(browser: object, site_url: str) -> None:
    page, errors, outside = _open(browser, site_url, "")
    try:
        # The "s" shortcut opens the search box at any window size, as a reader would.
        page.keyboard.press("s")  # type: ignore[attr-defined]
        zoekveld = page.locator("input.md-search__input")  # type: ignore[attr-defined]
        zoekveld.wait_for(state="visible", timeout=10_000)
        zoekveld.type("incassostop")
        results = page.locator(".md-search-result__item")  # type: ignore[attr-defined]
        results.first.wait_for(timeout=20_000)
        assert results.count() >= 3
        meta = page.locator(".md-search-result__meta").inner_text()  # type: ignore[attr-defined]
        assert re.search(r"\d+", meta), meta
        assert not errors, errors
        assert not outside, outside
    finally:
        page.close()  # type: ignore[attr-defined]
