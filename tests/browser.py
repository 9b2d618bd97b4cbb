"""Opening a published site in a real browser (Debian's headless Chromium, driven by Playwright), as a reader would:
every page must load with no console error, no failed request and no error status."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def browsing(output: Path) -> Iterator[tuple[object, str]]:
    """Debian's headless Chromium and `output` served on loopback: (the browser, the site's base address). Skips
    where Chromium is not installed, except in CI, which installs it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed here (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"])
            yield browser, f"http://127.0.0.1:{server.server_address[1]}"
            browser.close()
    finally:
        server.shutdown()


def page_names(output: Path, select: Callable[[str], bool] = lambda name: True) -> list[str]:
    """The pages of the site in `output` (paths under it, sorted) that `select` accepts."""
    names = (html.relative_to(output).as_posix() for html in sorted(output.rglob("*.html")))
    return [name for name in names if select(name)]


def open_every_page(output: Path, screenshot: tuple[str, Path] | None = None,
                    screenshots: list[tuple[str, Path]] = ()) -> list[str]:
    """The problems seen opening every page of `output`, segment sections included (empty when none); optionally
    full-page screenshots of some pages (path under `output`, where to save it) for a person to look at."""
    problems = []
    with browsing(output) as (browser, base):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
                if message.type == "error" else None)
        page.on("requestfailed", lambda request: problems.append(f"failed request {request.url}"))
        page.on("response", lambda response: problems.append(f"HTTP {response.status} {response.url}")
                if response.status >= 400 else None)
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        for name in page_names(output):
            page.goto(f"{base}/{name}", wait_until="load")
            if page.locator("h1").count() != 1:
                problems.append(f"{name} has not exactly one heading")
        for name, path in [*([screenshot] if screenshot else []), *screenshots]:
            page.goto(f"{base}/{name}", wait_until="load")
            path.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
    return problems


def overflow_at_widths(output: Path, name: str, widths: tuple[int, ...], screenshots: Path | None = None) -> dict:
    """Page `name` of `output` in an iframe-like viewport of each width: how many pixels its content is wider than
    the viewport (0: it fits), with a screenshot per width in `screenshots` (`<stem>-<width>.png`)."""
    overflow = {}
    with browsing(output) as (browser, base):
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 700})
            page.goto(f"{base}/{name}", wait_until="load")
            overflow[width] = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if screenshots:
                screenshots.mkdir(exist_ok=True)
                page.screenshot(path=str(screenshots / f"{Path(name).stem}-{width}.png"), full_page=True)
            page.close()
    return overflow


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def one_embed_of_each_chart(name: str) -> bool:
    """Every page but the embeds of past sprints (rendered from the same template as the current sprint's)."""
    return "embed/" not in name or "-current." in name or "flow-" in name or "deliverable" in name


def accessibility_violations(output: Path, select: Callable[[str], bool] = lambda name: True) -> list[str]:
    """What axe-core (the engine of the common accessibility checkers) finds against WCAG 2.1 A and AA on the pages
    of `output` whose path `select` accepts, as they render in Chromium: one line per rule broken on a page, with the
    first elements breaking it (empty when none)."""
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), []
    with browsing(output) as (browser, base):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name in page_names(output, select):
            page.goto(f"{base}/{name}", wait_until="load")
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                             "resultTypes": ["violations"]})
            for rule in results.response["violations"]:
                elements = " | ".join(node["html"][:160] for node in rule["nodes"][:3])
                found.append(f"{name}: {rule['id']} ({rule['impact']}) {rule['help']}: {elements}")
    return found


_OVERLAPS = """() => {
  const found = [];
  const visible = (text) => text.textContent.trim() && !text.closest('[opacity="0"]')
    && getComputedStyle(text).opacity !== '0';
  for (const svg of document.querySelectorAll('figure.chart svg, .small-chart svg')) {
    const boxes = [...svg.querySelectorAll('text')].filter(visible)
      .map((text) => [text.textContent.trim(), text.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, r] = boxes[i], [b, q] = boxes[j];
        const wide = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const high = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (wide > 1 && high > 1) {
          found.push(`${svg.closest('figure')?.id || 'small chart'}: "${a}" and "${b}"`);
        }
      }
    }
  }
  return found;
}"""


def overlapping_labels(output: Path, select: Callable[[str], bool] = lambda name: True,
                       widths: tuple[int, ...] = (1280,)) -> list[str]:
    """Every pair of visible chart texts (titles, axis labels, legends, percentile labels) whose boxes overlap, on
    the pages of `output` that `select` accepts, as Chromium lays them out at each of `widths` (empty when none)."""
    found = []
    with browsing(output) as (browser, base):
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name in page_names(output, select):
                page.goto(f"{base}/{name}", wait_until="load")
                found += [f"{name} at {width} px: {pair}" for pair in page.evaluate(_OVERLAPS)]
            page.close()
    return found


def photograph(output: Path, names: list[str], widths: tuple[int, ...] = (375, 1280)) -> list[Path]:
    """Full-page screenshots of the pages `names` of `output` at each width, saved in test-artifacts/ as
    <stem>-<width>.png for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    saved = []
    with browsing(output) as (browser, base):
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 800})
            for name in names:
                page.goto(f"{base}/{name}", wait_until="load")
                saved.append(ARTIFACTS / f"{Path(name).stem}-{width}.png")
                page.screenshot(path=str(saved[-1]), full_page=True)
            page.close()
    return saved
