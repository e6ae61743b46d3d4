"""End to end in a real browser: ``streamlit run app.py`` driven by Debian's Chromium through Playwright.

The server starts on a free 127.0.0.1 port and is stopped by its PID. Runs are small through the
URL (``?size=…&reps=…``, the sidebar's query parameters). Screenshots and timings go to
``test-artifacts/``. With ``CI=true`` a missing Chromium or Playwright fails the test instead of
skipping it (``make test`` installs Chromium where it is missing; never ``playwright install``).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from pathlib import Path

import pytest

from privsim.dashboard import workspace
from privsim.dashboard.pages import compare as page_compare
from privsim.experiments.compare import compare
from privsim.output.formatting import fmt, signed
from privsim.scenario.overrides import resize
from tests.conftest import ROOT
from tests.faces.streamlit_server import serve

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
SIZE, REPS = 2000, 3
WAIT = 180_000          # ms; JavaScript parsing and the runs share 2 cores with everything else
CHART = '[data-testid="stPlotlyChart"] .scatterlayer path.js-line'
SHOWN_CHART = '[data-testid="stPlotlyChart"]:visible'   # not the hidden one that loads the charting library
SERVER_PID: list[int] = []
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9))


def unavailable(why: str) -> None:
    """Skip, or fail under CI=true, where the browser test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}; with CI=true the browser test must run (make test installs Chromium)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(ROOT, tmp_path_factory.mktemp("streamlit") / "server.log", deadline_s=60) as (url, proc):
        SERVER_PID.append(proc.pid)
        yield url


def shoot(page, name: str) -> Path:
    """A screenshot of the whole page (Streamlit scrolls inside its main block, so the viewport grows)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.mouse.move(0, 0)                     # no tooltip over the picture
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 900), 12_000)})
    page.wait_for_timeout(1500)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    return path


def record(**timings: float) -> None:
    path = ARTIFACTS / "timings.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**old, **timings}, indent=2) + "\n")


def test_a_comparison_in_the_browser_shows_the_figures_privsim_compare_gives(browser, server):
    from playwright.sync_api import expect  # where the browser fixture has found Playwright

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = time.perf_counter()
    page.goto(f"{server}/?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Run comparison")
    button.wait_for(state="visible", timeout=WAIT)
    assert page.get_by_text(f"{REPS} replications × {SIZE:,} simulated customers").is_visible()
    shoot(page, "1-compare-before-run")
    loaded = time.perf_counter()
    button.click()
    page.locator(".st-key-kpi-1-npv [data-testid='stMetricValue']").wait_for(timeout=WAIT)
    cards = time.perf_counter()
    page.wait_for_selector(CHART, state="visible", timeout=WAIT)
    charts = time.perf_counter()
    assert page.locator(f'{SHOWN_CHART}').count() == 1             # the chosen tab's chart only
    record(page_ready_s=round(loaded - opened, 1), click_to_kpi_cards_s=round(cards - loaded, 1),
           click_to_charts_s=round(charts - loaded, 1), size=SIZE, reps=REPS)
    shoot(page, "2-compare-results")
    for tab in page_compare.CHARTS[1:]:         # each other tab draws its chart when chosen, and only then
        page.get_by_role("tab", name=tab).click()
        page.get_by_role("tab", name=tab, selected=True).wait_for(timeout=WAIT)
        settled(page)
        page.wait_for_selector(f"{SHOWN_CHART} .main-svg", timeout=WAIT)
        assert page.locator(SHOWN_CHART).count() == 1, tab
    shoot(page, "2-compare-npv-tab")
    page.get_by_role("tab", name=page_compare.CHARTS[0]).click()
    page.wait_for_selector(CHART, state="visible", timeout=WAIT)

    entries = workspace.bundled()
    expected = compare([resize(workspace.scenario(entries[label]), SIZE) for label in workspace.DEFAULT_COMPARE],
                       REPS)
    summary = expected.summary()
    summary = summary[summary["segment"] == "all"].set_index(["scenario", "kpi"])["mean"]
    diff = expected.differences()
    diff = diff[diff["segment"] == "all"].set_index(["scenario", "kpi"])["diff"]
    for i, name in enumerate(expected.names):
        for kpi in page_compare.HEADLINE:
            card = page.locator(f".st-key-kpi-{i}-{kpi}")
            assert card.locator("[data-testid='stMetricValue']").inner_text() == fmt(kpi, summary[(name, kpi)]), kpi
            if i and diff[(name, kpi)] != 0:
                delta = card.locator("[data-testid='stMetricDelta']").inner_text()
                assert signed(kpi, diff[(name, kpi)], "USD") in delta, kpi

    assert page.get_by_role("button", name="Run comparison").is_disabled()
    assert page.get_by_text("Simulated in").is_visible()

    reps = page.get_by_role("spinbutton", name="Replications")      # new settings: the cards wait for the button
    reps.fill(str(REPS - 1))
    reps.press("Enter")
    page.get_by_text("Press Run comparison").wait_for(timeout=WAIT)
    expect(page.locator(".st-key-kpi-1-npv")).to_have_count(0, timeout=WAIT)   # the old cards go with the run
    again = time.perf_counter()
    page.get_by_role("button", name="Run comparison").click()
    page.locator(".st-key-kpi-1-npv [data-testid='stMetricValue']").wait_for(timeout=WAIT)
    page.wait_for_selector(CHART, state="visible", timeout=WAIT)
    record(second_run_click_to_charts_s=round(time.perf_counter() - again, 1))
    page.close()


def test_the_gallery_plays_a_case_day_by_day(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/gallery?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    page.locator(".st-key-gallery-better-practice [data-testid='stMetricValue']").first.wait_for(timeout=WAIT)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=WAIT)
    shoot(page, "3-gallery-day-0")
    page.get_by_role("button", name="Play").click()
    progress = page.get_by_text(re.compile(r"^Day \d+ of \d+$"))     # the progress text, not "on day 1" of a story
    progress.first.wait_for(timeout=WAIT)
    first = int(progress.first.inner_text().split()[1])
    page.wait_for_timeout(5000)
    later = int(progress.first.inner_text().split()[1])
    assert later > first
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("slider").wait_for(timeout=WAIT)
    shoot(page, "4-gallery-paused")
    page.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def test_an_alias_bomb_upload_is_refused_and_the_server_serves_everyone_else(browser, server, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    assert bomb.stat().st_size < 2000                       # a small file that expands to 10^10 values
    before = rss_mb(SERVER_PID[0])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/editor?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bomb))
    page.get_by_text("200,000 values", exact=False).first.wait_for(timeout=WAIT)
    shoot(page, "editor-alias-bomb-refused")
    assert rss_mb(SERVER_PID[0]) - before < 150             # the server never built the expansion
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as r:
        assert r.read() == b"ok"
    other = browser.new_page(viewport={"width": 1400, "height": 900})   # another user, meanwhile
    other.goto(f"{server}/gallery?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    other.get_by_text("The story").first.wait_for(timeout=WAIT)
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 200_000)                 # 2 MB: over the server's upload limit
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(big))
    page.get_by_text("1.0MB", exact=False).first.wait_for(timeout=WAIT)
    page.close()
    other.close()


WINDOWS = ((1400, 900), (1280, 720), (1000, 700))
RESPONSE = "Controls & response"


def open_in_editor(page, server: str, label: str) -> str:
    """The editor with a bundled scenario opened from its picker, as a person opens it; returns the prefix of the
    widget keys (the editor's version: 1 for the scenario it starts on, 2 for the one opened)."""
    page.goto(f"{server}/editor?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    page.get_by_text("Editing: ").wait_for(timeout=WAIT)
    picker = page.locator(".st-key-ed-open-pick input")
    picker.click()
    picker.fill(label)
    page.get_by_role("option", name=label, exact=False).click()
    page.locator(".st-key-ed-open button").click()
    page.get_by_text(f"Editing: scenarios/{label}").wait_for(timeout=WAIT)
    return "ed-2"


def settled(page) -> None:
    """Wait for the script run to end: a run still drawing resets what is being typed into a widget."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=WAIT)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=WAIT)


def pick(page, widget, name: str) -> None:
    """Pick an option of a multiselect as a person does: open its list, click the option (typing it instead grows
    the box, which closes the list), close the list."""
    from playwright.sync_api import TimeoutError as Late

    field = widget.locator(".react-aria-ComboBox input[role=combobox]")
    for _ in range(3):                       # a run that redraws the widget can close its list: open it again
        settled(page)
        if field.get_attribute("aria-expanded") != "true":
            field.click()
        try:
            page.get_by_role("option", name=name, exact=True).click(timeout=10_000)
            break
        except Late:
            continue
    else:
        raise AssertionError(f"{name} could not be picked")
    page.keyboard.press("Escape")


def whole(page, element) -> dict:
    """Assert an element is on screen in full once scrolled to: inside the window and the main area, nothing in it
    clipped or scrolled away; returns its box."""
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert element.is_visible()
    box = element.bounding_box()
    main = page.locator('[data-testid="stMain"]').bounding_box()
    window = page.viewport_size
    assert main["x"] <= box["x"] and box["x"] + box["width"] <= min(main["x"] + main["width"], window["width"]), box
    assert box["y"] >= 0 and box["y"] + box["height"] <= window["height"], box
    assert not cut(element), cut(element)
    return box


def cut(element) -> list[str]:
    """The parts of an element (itself included) whose content is larger than they show: text cut to "Save to w…",
    chips scrolled out of a box."""
    return element.evaluate("""e => [e, ...e.querySelectorAll('*')].filter(n => n.offsetParent !== null &&
        (n.scrollWidth > n.clientWidth + 1 || n.scrollHeight > n.clientHeight + 1) &&
        getComputedStyle(n).overflow !== 'visible').map(n => n.tagName + '.' + n.className)""")


def test_the_editor_shows_the_response_policy_whole_at_common_window_sizes(browser, server):
    from playwright.sync_api import expect  # where the browser fixture has found Playwright

    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in WINDOWS:
        page = browser.new_page(viewport={"width": width, "height": height})
        key = open_in_editor(page, server, "covert_sharing.yaml")
        expect(page.locator(f".st-key-{key}-save-label input")).to_have_value(    # not the one opened before
            "Covert third-party sharing, discovered (edited)", timeout=WAIT)
        for button in ("ed-open", "ed-blank", "ed-save", "ed-download"):
            assert not cut(page.locator(f".st-key-{button}")), (button, width)
        settled(page)
        page.get_by_role("tab", name=RESPONSE).click()
        posture = page.locator(f".st-key-{key}-response-posture")
        actions = page.locator(f".st-key-{key}-response-actions")
        posture.wait_for(timeout=WAIT)
        whole(page, posture)
        assert posture.locator("input").input_value() == "responsive"
        box = whole(page, actions)
        chips = actions.locator(".react-aria-ComboBox [data-tag]")
        assert chips.all_inner_texts() == ["apologise", "stop"], "the scenario's order, not the choices' order"
        for chip in chips.all():
            inner = chip.bounding_box()
            assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"], width
        page.mouse.move(0, 0)
        page.screenshot(path=str(ARTIFACTS / f"editor-response-{width}x{height}.png"))
        if width == WINDOWS[-1][0]:          # narrowest: every step picked still shows, in the order picked
            for n, step in enumerate(("add_notice", "add_opt_out", "ask_opt_in", "add_controls"), start=3):
                pick(page, actions, step)
                expect(chips).to_have_count(n, timeout=WAIT)
                expect(chips.last).to_have_text(step)
                page.get_by_text(f"→ {step}.").wait_for(timeout=WAIT)
                settled(page)
            page.get_by_text("Response to backlash", exact=True).click()      # nothing focused
            assert chips.all_inner_texts() == ["apologise", "stop", "add_notice", "add_opt_out", "ask_opt_in",
                                               "add_controls"]
            whole(page, actions)
            page.mouse.move(0, 0)
            page.screenshot(path=str(ARTIFACTS / f"editor-response-all-steps-{width}x{height}.png"))
        page.close()


def test_the_editor_shows_the_operations_whole_at_common_window_sizes(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in WINDOWS:
        page = browser.new_page(viewport={"width": width, "height": height})
        key = open_in_editor(page, server, "service_broad_vs_scoped.yaml")
        settled(page)
        page.get_by_role("tab", name=RESPONSE).click()
        staff = page.locator(f".st-key-{key}-ops-service-staff")
        staff.wait_for(timeout=WAIT)
        assert staff.locator("input").input_value() == "2000"
        assert page.locator(f".st-key-{key}-ops-service-broad_share input").input_value() == "1"
        assert page.locator(f".st-key-{key}-ops-on").is_visible()      # a checkbox's tick box clips by design
        for field in ("ops-service-staff", "ops-service-broad_share", "ops-service-turnover_per_year",
                      "ops-remote-staff", "ops-remote-local_records_share", "ops-test_data"):
            whole(page, page.locator(f".st-key-{key}-{field}"))
        page.mouse.move(0, 0)
        page.screenshot(path=str(ARTIFACTS / f"editor-operations-{width}x{height}.png"))
        page.close()


PAGES = ("", "editor", "frontier", "sensitivity", "calibrate", "gallery", "check", "history")   # url paths
LOCAL = {"127.0.0.1", "localhost"}


def test_the_dashboard_fetches_nothing_from_another_host_and_shows_no_deploy_button(browser, server):
    from urllib.parse import urlsplit

    ARTIFACTS.mkdir(exist_ok=True)
    seen: dict[str, set[str]] = {}              # host -> the URLs asked of it
    deploy: list[str] = []                      # pages showing Streamlit's Deploy button
    for width, height in ((1024, 768), (1280, 720), (1400, 900)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("request", lambda r: seen.setdefault(urlsplit(r.url).hostname or urlsplit(r.url).scheme,
                                                     set()).add(r.url))
        page.on("websocket", lambda w: seen.setdefault(urlsplit(w.url).hostname or "", set()).add(w.url))
        for path in PAGES:
            page.goto(f"{server}/{path}?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
            page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=WAIT)
            settled(page)
            assert not page.get_by_text("Page not found").count(), path
            if path == "" and width == 1400:            # a comparison's charts too (from the cache, if run before)
                run = page.get_by_role("button", name="Run comparison")
                if run.is_enabled():
                    run.click()
                page.wait_for_selector(CHART, state="visible", timeout=WAIT)
            page.wait_for_load_state("networkidle", timeout=WAIT)
            icon = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
            assert icon and all(urlsplit(h).hostname in LOCAL for h in icon), icon       # the favicon is ours
            if page.locator('[data-testid="stAppDeployButton"]').count() or page.get_by_text("Deploy").count():
                deploy.append(f"/{path} at {width}x{height}")
            page.mouse.move(0, 0)
            page.screenshot(path=str(ARTIFACTS / f"local-{path or 'compare'}-{width}x{height}.png"))
        page.close()
    record(request_hosts={host: len(urls) for host, urls in sorted(seen.items())})
    foreign = {host: sorted(urls)[:3] for host, urls in seen.items() if host not in LOCAL | {"data", "blob"}}
    assert not foreign, foreign
    assert not deploy, deploy


def test_the_upload_box_states_the_one_limit_it_enforces(browser, server, tmp_path):
    from playwright.sync_api import expect  # where the browser fixture has found Playwright

    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server}/editor?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    box = page.locator(".st-key-ed-upload-file")
    box.get_by_role("button", name="Upload", exact=True).wait_for(timeout=WAIT)
    settled(page)
    limit = f"{workspace.MAX_UPLOAD // 1024} KB"
    expect(box).to_contain_text(f"up to {limit}", timeout=WAIT)
    expect(box.locator('[data-testid="stFileUploaderDropzoneInstructions"]')).to_be_hidden(timeout=WAIT)
    assert "MB" not in box.inner_text(), box.inner_text()       # Streamlit's "1MB per file" is not shown
    over = tmp_path / "over.yaml"
    over.write_text("#" * (workspace.MAX_UPLOAD + 1024))        # over privsim's limit, under the server's MB
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(over))
    page.get_by_text(f"allowed: up to {limit}", exact=False).first.wait_for(timeout=WAIT)
    page.mouse.move(0, 0)
    page.screenshot(path=str(ARTIFACTS / "editor-upload-limit.png"))
    page.close()


def test_history_lists_the_comparisons_kept_by_run_and_compare_and_reopens_one(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/?size={SIZE}&reps={REPS}&seed=5", wait_until="domcontentloaded")   # a seed of its own
    page.get_by_role("button", name="Run comparison").click(timeout=WAIT)
    kept = page.get_by_text("Kept as")
    kept.wait_for(timeout=WAIT)
    folder = Path(re.search(r"Kept as (.+?): reopen", kept.inner_text()).group(1)).name
    page.goto(f"{server}/history", wait_until="domcontentloaded")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT)
    page.get_by_role("combobox").last.click()
    page.keyboard.type(folder)                # this test's run, whatever else the worker's tests kept
    page.get_by_role("option").filter(has_text=folder).first.click()
    page.get_by_text("KPIs of the whole population").wait_for(timeout=WAIT)
    page.keyboard.press("Escape")             # close the picker's list
    shoot(page, "history-reopened")
    page.close()


SCREENS = {"": ("Run comparison",), "frontier": ("Run frontier",), "sensitivity": ("Run sensitivity",),
           "check": ("Run the stress test", "Price each fix"), "gallery": ()}    # result screens and their buttons
ENGINEER = {"scientific notation": r"\d\.?\d*e[+-]\d", "a Python repr": r"\bTrue\b|\bFalse\b|\{'|\['|\bNone\b|\bnan\b",
            "a YAML path": r"\b(?:strategy|events|population|behavior|economics|operations|controls|gate|"
                           r"counterfactual)\.[\w.]+"}


def engineer_words(text: str) -> list[str]:
    """What a strategist should not read on a result screen, with its context."""
    import re

    return [f"{what}: …{text[max(0, m.start() - 40):m.end() + 20]}…" for what, pattern in ENGINEER.items()
            for m in re.finditer(pattern, text)]


def test_result_screens_speak_to_people_and_cut_no_figure(browser, server):
    """Every result screen at 1024×768, 1280×720 and 1400×900: no metric label or value truncated, and no
    scientific notation, Python repr or YAML path in what the page shows (error boxes are exempt)."""
    from playwright.sync_api import TimeoutError as Late

    found: list[str] = []
    for width, height in ((1024, 768), (1280, 720), (1400, 900)):
        page = browser.new_page(viewport={"width": width, "height": height})
        for path, buttons in SCREENS.items():
            page.goto(f"{server}/{path}?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
            page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=WAIT)
            settled(page)
            where = f"/{path} at {width}x{height}"
            try:
                for name in buttons:          # drawn once the page has run; disabled when cached
                    button = page.get_by_role("button", name=name)
                    button.wait_for(state="visible", timeout=WAIT)
                    if button.is_enabled():
                        button.click()
                    settled(page)
                page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"], "
                                       "[data-testid=\"stPlotlyChart\"] .main-svg')].some(e => e.checkVisibility())",
                                       timeout=WAIT)
            except Late:
                found.append(f"{where}: no result appeared")
                continue
            settled(page)
            text = ""
            for tab in [None, *page.get_by_role("tab").all()[1:]]:     # every tab's content, as a reader opens it
                if tab is not None:
                    tab.click()
                    settled(page)
                text += " " + words_on(page)
            for metric in page.locator('[data-testid="stMetric"]').all():
                found += [f"{where}: cut {c}" for c in cut(metric)]
            found += [f"{where}: {w}" for w in engineer_words(text)]
            page.mouse.move(0, 0)
            tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": min(max(tall, height), 12_000)})   # the whole page
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / f"words-{path or 'compare'}-{width}x{height}.png"), full_page=True)
            page.set_viewport_size({"width": width, "height": height})
        page.close()
    assert not found, "\n".join(found[:40])


def words_on(page) -> str:
    """The words a reader sees on the page: its text and its charts' labels, without error boxes and code."""
    return page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]').cloneNode(true);
        m.querySelectorAll('[data-testid="stAlertContentError"], [data-testid="stExpanderDetails"] code, '
                           + '.modebar').forEach(n => n.remove());
        return m.innerText + ' ' + [...m.querySelectorAll('svg text')].map(t => t.textContent).join(' '); }""")


def metric_overflow(page) -> list[str]:
    """Metric labels and values (and what they hold) whose text is wider than they show, whatever their overflow."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]')].flatMap(e => [e, ...e.querySelectorAll('*')])
        .filter(n => n.offsetParent !== null && n.scrollWidth > n.clientWidth + 1).map(n => n.innerText)""")


def test_the_gallery_reads_in_a_room_with_and_without_presentation_mode(browser, server):
    """At 1024×768, 1280×720 and 1400×900: no readout cut, the better practice in words; Presentation mode hides
    the sidebar and shows values larger than normal mode does."""
    from playwright.sync_api import expect  # where the browser fixture has found Playwright

    ARTIFACTS.mkdir(exist_ok=True)
    value = ".st-key-gallery-better-practice [data-testid='stMetricValue'] p"
    for width, height in ((1024, 768), (1280, 720), (1400, 900)):
        sizes = {}
        for present in (False, True):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{server}/gallery?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
            page.locator(value).first.wait_for(timeout=WAIT)
            if present:
                page.locator(".st-key-gallery-present label").click()
                expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden(timeout=WAIT)
            settled(page)
            where = f"{'presentation' if present else 'normal'} {width}x{height}"
            assert not metric_overflow(page), (where, metric_overflow(page))
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert "Event 1 (breach on day 1): share of records exposed" in main and "events.0" not in main, where
            sizes[present] = page.evaluate("v => parseFloat(getComputedStyle(document.querySelector(v)).fontSize)",
                                           value)
            page.mouse.move(0, 0)
            name = f"gallery-{'presentation' if present else 'normal'}-{width}x{height}"
            page.screenshot(path=str(ARTIFACTS / f"{name}-story.png"))
            page.locator(".st-key-gallery-readouts").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"{name}-readouts.png"))
            page.locator(SHOWN_CHART).first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"{name}-chart.png"))
            page.close()
        assert sizes[True] > sizes[False], (width, sizes)


def test_the_example_export_builds_the_editors_population_in_the_browser(browser, server):
    """Drop examples/customers.csv and its map into "Build population from file": the editor's population is the
    export's (segments, size, the per-customer file), and the page says which columns were dropped and hashed."""
    from playwright.sync_api import expect  # where the browser fixture has found Playwright

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/editor?size={SIZE}&reps={REPS}", wait_until="domcontentloaded")
    page.locator(".st-key-ed-upload-file").get_by_role("button", name="Upload", exact=True).wait_for(timeout=WAIT)
    settled(page)
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 1, "only the scenario's box"
    page.locator('[data-testid="stExpander"] summary').filter(has_text="From your data").click()
    page.locator(".st-key-ed-from-kind").get_by_text("Build population from file").click()
    for box, name in (("export", "customers.csv"), ("map", "customers.map.yaml")):
        drop = page.locator(f".st-key-ed-from-{box}-0 [data-testid='stFileUploaderDropzoneInput']")
        drop.wait_for(state="attached", timeout=WAIT)
        settled(page)                        # a run still drawing the boxes would drop the file
        drop.set_input_files(str(ROOT / "examples" / name))
        page.locator(f".st-key-ed-from-{box}-0").get_by_text(name).wait_for(timeout=WAIT)
    expect(page.locator(".st-key-ed-from-build button")).to_be_enabled(timeout=WAIT)
    page.locator(".st-key-ed-from-build button").click()
    page.get_by_text("Editing: Opt-in newsletter, population built from customers.csv").wait_for(timeout=WAIT)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("Identifiers dropped, never read: email.", timeout=WAIT)
    expect(main).to_contain_text("Identifiers kept only as a salted hash (the salt is not kept): customer_id.")
    expect(main).to_contain_text("Valid: 1 practice(s), 0 event(s), 3 segment(s), 50,000 simulated customers")
    assert page.locator(".st-key-ed-from-export-1 [data-testid='stFileUploaderFile']").count() == 0, "box emptied"
    settled(page)
    expect(page.locator(".st-key-ed-2-population-size input")).to_have_value("50000")
    shoot(page, "editor-population-from-file")
    page.get_by_role("tab", name="Segments").click()
    page.locator(".st-key-ed-2-segments").scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "editor-population-from-file-segments.png"))
    page.get_by_role("tab", name="YAML").click()
    text = page.get_by_role("textbox", name="Scenario YAML").input_value()
    assert "from_file: /" in text and ".parquet" in text and "share: 0.252" in text, text[:2000]
    assert "@example.com" not in text
    page.close()


def test_the_calibrate_page_fits_the_bundled_history_in_the_browser(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server}/calibrate?size=800&reps=1", wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Fit to the history")
    button.wait_for(state="visible", timeout=WAIT)
    settled(page)
    button.click()
    page.get_by_text("How well it fits, and how well it predicts the held-out dates").wait_for(timeout=WAIT)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=WAIT)
    page.get_by_role("button", name="Fitted behaviour (overlay YAML)").wait_for(timeout=WAIT)   # below the chart
    shoot(page, "calibrate-bundled-history")
    page.close()
