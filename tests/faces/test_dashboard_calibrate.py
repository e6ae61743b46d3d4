"""The Calibrate page fits to the bundled history like privsim.calibrate_history, and refuses a bad upload."""

from __future__ import annotations

from privsim.dashboard.pages import calibrate as page_calibrate
from privsim.experiments.history_fit import calibrate_history
from privsim.output.history import params_rows
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import resize
from tests.faces.test_dashboard import page_app, texts

SIZE, REPS = 800, 1
FIT = ["behavior.opt_out.per_send"]


def test_the_bundled_history_fits_as_the_api_does():
    at = page_app("pages.calibrate", SIZE, REPS, **{"calibrate-fit": FIT}).run()
    assert not at.exception
    assert any(c.startswith("Strategy:") for c in texts(at.caption))
    at.button(key="run-Fit to the history").click().run(timeout=300)
    assert not at.exception and not at.error
    want = calibrate_history(resize(load_scenario(page_calibrate.EXAMPLE[1]), SIZE), page_calibrate.EXAMPLE[0],
                             FIT, reps=REPS)
    shown = at.dataframe[0].value
    assert list(shown["fitted"]) == list(params_rows(want)["fitted"])
    assert "path" not in shown and "opt-out" in shown["coefficient"][0]        # coefficients in words
    parts = set(at.dataframe[1].value["rows"])
    assert parts == {"fitted", "held out"}                                    # fitted and predicted apart
    assert at.get("plotly_chart") and [b.label for b in at.get("download_button")] == [
        "Fitted behaviour (overlay YAML)", "HTML page"]


def test_an_upload_is_asked_for_before_anything_runs():
    at = page_app("pages.calibrate", SIZE, REPS, **{"calibrate-source": page_calibrate.UPLOADED}).run()
    assert not at.exception and not at.button and not at.dataframe
