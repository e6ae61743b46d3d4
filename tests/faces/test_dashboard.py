"""Dashboard as a whole: the app opens on Run & compare, run keys, the result store, settings, downloads, uploads."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import privsim
from privsim.dashboard import downloads, imports, settings, view, workspace
from privsim.dashboard.cache import ResultStore, run_key
from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.scenario.load import dump_scenario
from privsim.scenario.overrides import override
from tests.conftest import ROOT, small

TIMEOUT = 300


def page_app(module: str, size: int = 500, reps: int = 2, **state: object) -> AppTest:
    """One dashboard page as an app, with small run settings."""
    at = AppTest.from_string(f"from privsim.dashboard.{module} import page\npage()", default_timeout=TIMEOUT)
    at.session_state[settings.SIZE] = size
    at.session_state[settings.REPS] = reps
    for key, value in state.items():
        at.session_state[key] = value
    return at


def charts(at: AppTest) -> list:
    """The charts a page shows (not the hidden one every page draws to load the charting library)."""
    return [c for c in at.get("plotly_chart") if c.key != view.PRELOAD_CHART]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_the_app_opens_on_run_and_compare_with_the_default_scenarios_and_settings():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Run & compare"
    assert at.multiselect(key="compare-pick").value == list(workspace.DEFAULT_COMPARE)
    assert at.sidebar.number_input(key=settings.SIZE).value == settings.DEFAULT_SIZE == 20_000
    assert at.sidebar.number_input(key=settings.REPS).value == settings.DEFAULT_REPS
    assert at.button(key="run-Run comparison").disabled is False
    assert not charts(at), "nothing is simulated before the user asks"
    preload = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == view.PRELOAD_CHART]
    assert len(preload) == 1 and not preload[0]["data"]     # the hidden chart that loads the library: no data
    assert any(view.PRELOAD_CSS in h.proto.body for h in at.get("html"))


def test_run_key_depends_on_scenario_seed_reps_options_and_version(monkeypatch):
    s = small("newsletter_opt_in.yaml", 500)
    key = run_key("compare", [s, s], 1, 3)
    assert key == run_key("compare", [small("newsletter_opt_in.yaml", 500)] * 2, 1, 3)
    others = {run_key("compare", [s, override(s, {"strategy.practices.newsletter.contacts_per_month": 5})], 1, 3),
              run_key("compare", [s, s], 2, 3), run_key("compare", [s, s], 1, 4),
              run_key("frontier", [s, s], 1, 3), run_key("compare", [s, s], 1, 3, param="x"),
              run_key("compare", [small("newsletter_opt_in.yaml", 600)] * 2, 1, 3)}
    monkeypatch.setattr(privsim, "__version__", "99.0")
    others.add(run_key("compare", [s, s], 1, 3))
    assert key not in others and len(others) == 7


def test_store_computes_once_per_key_and_forgets_the_least_recently_used():
    store = ResultStore(max_entries=2)
    calls = []
    for key in ("a", "b"):
        store.compute(key, lambda k=key: calls.append(k) or k.upper())
    assert store.get("a").value == "A"            # "a" is now the most recently used
    store.compute("c", lambda: "C")
    assert store.get("b") is None and store.get("a").value == "A" and store.get("c").value == "C"
    assert store.computed == 3 and len(store) == 2 and calls == ["a", "b"]


def test_settings_fit_never_simulates_more_customers_than_the_scenario_and_keeps_the_real_population():
    s = small("newsletter_opt_in.yaml", 4000)
    real = s.population.size * s.population.represents
    fitted = settings.Settings(size=1000).fit(s)
    assert fitted.population.size == 1000
    assert fitted.population.size * fitted.population.represents == pytest.approx(real)
    assert settings.Settings(size=50_000).fit(s) is s
    assert settings.Settings(seed=None).seed_for(s) == s.seed and settings.Settings(seed=7).seed_for(s) == 7


@pytest.fixture(scope="module")
def comparison():
    a = small("newsletter_opt_in.yaml", 400)
    b = override(a, {"strategy.practices.newsletter.contacts_per_month": 12, "name": "Three times as often"})
    return compare([a, b], 2)


def test_downloads_hold_the_comparison(comparison):
    kpis = pd.read_csv(io.BytesIO(downloads.kpis_csv(comparison)))
    assert len(kpis) == len(comparison.summary())
    assert kpis["mean"].to_numpy() == pytest.approx(comparison.summary()["mean"].to_numpy(), nan_ok=True)
    diff = pd.read_csv(io.BytesIO(downloads.differences_csv(comparison)))
    assert set(diff["scenario"]) == {"Three times as often"}
    assert len(pd.read_csv(io.BytesIO(downloads.replications_csv(comparison)))) == len(comparison.to_frame())
    series = pd.read_parquet(io.BytesIO(downloads.timeseries_parquet(comparison)))
    assert series.shape == comparison.timeseries().shape
    html = downloads.report_html(comparison).decode()
    assert html.startswith("<!DOCTYPE html>") and "Three times as often" in html
    assert "<script src=" not in html and "Plotly" in html          # offline: plotly.js inlined


def test_upload_limits_size_and_encoding_and_validates_through_the_one_door():
    text = dump_scenario(small("newsletter_opt_in.yaml", 500))
    scenario, kept = workspace.from_upload("mine.yaml", text.encode())
    assert scenario.population.size == 500 and kept == text
    with pytest.raises(InputError, match=r"mine.yaml: it has 300 KB; allowed: up to 256 KB"):
        workspace.from_upload("mine.yaml", b"#" * 300 * 1024)
    with pytest.raises(InputError, match=r"editor YAML: it has 300 KB; allowed: up to 256 KB"):
        workspace.from_text("editor YAML", "#" * 300 * 1024)      # the pasted YAML has the same limit
    with pytest.raises(InputError, match=r"mine.yaml:1: not UTF-8 text \(byte 7\)"):
        workspace.from_upload("mine.yaml", b"name: \xff\xfe")
    with pytest.raises(InputError) as bad:
        workspace.from_upload("mine.yaml", b"name: x\npopulaton: {}\n")
    assert any(p.line == 2 and "did you mean 'population'" in p.message for p in bad.value.problems)


def test_the_server_refuses_large_uploads_and_messages_before_they_reach_the_code():
    code = ("from streamlit import config\nconfig.get_config_options(force_reparse=True)\n"
            "print(config.get_option('server.maxUploadSize'), config.get_option('server.maxWidgetStateSize'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    upload_mb, state_mb = (int(x) for x in out.stdout.split())
    assert upload_mb == imports.EXPORT_MB and state_mb <= 2  # Streamlit's defaults are 200 and 25 MB


def test_an_alias_bomb_upload_is_refused_while_parsing():
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9))
    with pytest.raises(InputError, match="200,000 values"):
        workspace.from_upload("bomb.yaml", bomb.encode())


def test_bundled_scenarios_are_all_valid_workspace_entries():
    entries = workspace.bundled()
    assert workspace.DEFAULT in entries and set(workspace.DEFAULT_COMPARE) <= set(entries)
    for entry in entries.values():
        assert workspace.scenario(entry).name
        assert workspace.lines(entry)[("population",)] > 1
    assert json.dumps(sorted(entries)) == json.dumps(sorted(p.name for p in workspace.SCENARIOS_DIR.glob("*.yaml")))
