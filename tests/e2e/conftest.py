"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a journey lands on is checked twice over by `Browse.check()`: axe-core (WCAG 2.0, 2.1 and 2.2, A and
AA) at desktop and at phone width, and no sideways scrolling at phone width (WCAG 1.4.10 reflow). A journey that
lands on a page without checking it fails at teardown, so no page slips through.

Never `playwright install`: the browser is the system's Chromium (ARCHITECTURE.md, "Measured on this machine kind").
"""

import os
import re
import weakref
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the fixtures still use the ORM from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("EHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
DEMO_PASSWORD = "demo-password-2026"  # the demo's published password (ehcbudgets.core.demo)
TIMEOUT_MS = 15_000

# Contexts made with JavaScript off: axe needs timers there (see _run_axe).
_NO_JS_CONTEXTS: "weakref.WeakSet" = weakref.WeakSet()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _missing(message: str):
    """A missing browser or axe-core skips the journeys on a laptop, and fails them in CI."""
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# ---------------------------------------------------------------------------------------------------------------
# The browser: pytest-playwright's fixtures, launched from Debian's Chromium; a fresh context for every test.
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium). Never `playwright install`.")
    return {"headless": True, **browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs in the browser go to the live server (and this replaces pytest-playwright's fallback)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        _missing(f"axe-core not found at {AXE_JS}: run `npm ci` (or `make install`).")
    return AXE_JS.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Checks run on every page.
# ---------------------------------------------------------------------------------------------------------------

# With JavaScript off Chromium runs no timers or queued microtasks, and axe.run waits on both. Promise jobs still
# run, so for the length of the check the timers become promise jobs (the page has no scripts of its own to upset).
_TIMER_SHIM = """() => {
  let next = 1; const cancelled = new Set();
  window.setTimeout = (fn, ms, ...args) => {
    const id = next++;
    Promise.resolve().then(() => { if (!cancelled.has(id)) fn(...args); });
    return id;
  };
  window.clearTimeout = (id) => cancelled.add(id);
  window.requestAnimationFrame = (fn) => window.setTimeout(() => fn(performance.now()));
  window.cancelAnimationFrame = window.clearTimeout;
  window.queueMicrotask = (fn) => { Promise.resolve().then(fn); };
}"""

_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String).join(" "), summary: n.failureSummary})),
  }));
}"""

_OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.classList.length ? "." + [...el.classList].join(".") : "");
      wide.push(`${name} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 8)};
}"""


def _run_axe(page, source: str) -> list[dict]:
    if page.context in _NO_JS_CONTEXTS:
        page.evaluate(_TIMER_SHIM)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def _describe(violations: list[dict], url: str, width: int) -> str:
    lines = [f"axe-core: {len(violations)} accessibility violation(s) on {url} at {width}px wide:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}")
            lines.extend(f"       {line}" for line in (node["summary"] or "").splitlines()[:4])
    return "\n".join(lines)


def check_page(page, axe_source: str) -> None:
    """axe-core at desktop and phone width, and no horizontal scrolling at phone width (375 x 812)."""
    url = page.url
    original = page.viewport_size or DESKTOP
    problems = []
    violations = _run_axe(page, axe_source)
    if violations:
        problems.append(_describe(violations, url, original["width"]))
    page.set_viewport_size(PHONE)
    try:
        violations = _run_axe(page, axe_source)
        if violations:
            problems.append(_describe(violations, url, PHONE["width"]))
        overflow = page.evaluate(_OVERFLOW)
        if overflow["scrollWidth"] > overflow["innerWidth"]:
            problems.append(
                f"{url} scrolls sideways at {PHONE['width']}px: the page is {overflow['scrollWidth']}px wide. "
                f"Too wide: {', '.join(overflow['wide']) or 'nothing visible'}"
            )
        shots = os.environ.get("EHC_E2E_SCREENSHOTS")  # a folder: phone-width screenshots of every page, to look at
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[-1].split("/", 1)[-1]).strip("-") or "home"
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    finally:
        page.set_viewport_size(original)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


# ---------------------------------------------------------------------------------------------------------------
# Browse: the journeys' way of moving around, which checks every page it lands on.
# ---------------------------------------------------------------------------------------------------------------


class Browse:
    """A page in the live server. Every navigation goes through visit() or follow(), which check the new page."""

    def __init__(self, page, base_url: str, axe_source: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self._axe = axe_source
        self._unchecked: list[str] = []  # main-frame navigations not yet checked
        self._missed: list[str] = []  # navigations that were never checked before the next one
        self._broken: list[str] = []  # stylesheets, scripts, fonts and images that failed to load; script errors
        page.set_default_timeout(TIMEOUT_MS)
        page.on("framenavigated", self._navigated)
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)
        page.on("pageerror", lambda error: self._broken.append(f"script error on {page.url}: {error}"))

    def _response(self, response) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            self._broken.append(f"{response.url} answered {response.status} (on {self.page.url})")

    def _request_failed(self, request) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):  # aborted by moving on to the next page: not broken
            self._broken.append(f"{request.url} failed ({request.failure})")

    def _navigated(self, frame) -> None:
        if frame != self.page.main_frame:
            return
        url = frame.url.split("#", 1)[0]
        if self._unchecked and self._unchecked[-1] == url:
            return  # the same document again (a fragment change)
        self._missed.extend(self._unchecked)
        self._unchecked = [url]

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def check(self) -> None:
        """Check the page the browser is on now (axe-core, phone width, and everything on it loaded)."""
        self._unchecked = []
        broken, self._broken = self._broken, []
        assert not broken, "parts of the page did not load:\n" + "\n".join(broken)
        check_page(self.page, self._axe)

    def visit(self, path: str, *, status: int = 200):
        """Go to a path, expect the status, check the page."""
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.check()
        return response

    def follow(self, locator, *, status: int = 200):
        """Click something that loads a new page (a link, or a form's button), expect the status, check the page."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        response = navigation.value
        assert response is not None, "the click loaded no page"
        assert response.status == status, f"{response.url} answered {response.status}, expected {status}"
        self.check()
        return response

    def sign_in(self, email: str, password: str = DEMO_PASSWORD):
        self.visit("/account/sign-in/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        return self.follow(self.page.get_by_role("button", name="Sign in"))

    def assert_all_checked(self) -> None:
        missed = self._missed + self._unchecked
        assert not missed, f"pages visited without the accessibility check (use Browse.visit/follow/check): {missed}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.ehc_call_failed = report.failed
    return report


def _browse(request, page, live_server, axe_source):
    browse = Browse(page, live_server.url, axe_source)
    yield browse
    if not getattr(request.node, "ehc_call_failed", False):  # a failed test has already said what went wrong
        browse.assert_all_checked()


@pytest.fixture
def browse(request, context, live_server, axe_source):
    """A fresh browser context with JavaScript on."""
    yield from _browse(request, context.new_page(), live_server, axe_source)


@pytest.fixture
def browse_without_js(request, new_context, live_server, axe_source):
    """A fresh browser context with JavaScript off: the pages must work without it."""
    context = new_context(java_script_enabled=False)
    _NO_JS_CONTEXTS.add(context)
    yield from _browse(request, context.new_page(), live_server, axe_source)


# ---------------------------------------------------------------------------------------------------------------
# Data: the demo councils, made through the services (live_server needs a transactional database).
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db):
    """Two councils (Brightwater, Kestrel Vale) with children, plans and a sign-in for every role."""
    from ehcbudgets.core.demo import load_demo

    load_demo()
