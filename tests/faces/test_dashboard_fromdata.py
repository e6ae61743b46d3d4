"""The editor's "From your data": a population built from an export or survey, a Fides data map imported.

Built on the bundled examples; bad input is shown as the command line words it and loads nothing; no e-mail or
customer id of the export is left in the session or the result cache once it is built.
"""

from __future__ import annotations

import csv
import pickle
import re
from pathlib import Path

import pytest

from privsim.dashboard import fromdata, imports, workspace
from privsim.dashboard.cache import STORE, run_key
from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.scenario.customers import population_from_export
from privsim.scenario.fides import read_data_map
from privsim.scenario.overrides import resize
from privsim.scenario.popblock import population_data
from privsim.scenario.survey import population_from_survey
from tests.conftest import ROOT
from tests.faces.test_dashboard import texts
from tests.faces.test_dashboard_editor import draft, editor, saved, version

EXAMPLES = ROOT / "examples"
CUSTOMERS, CUSTOMERS_MAP = EXAMPLES / "customers.csv", EXAMPLES / "customers.map.yaml"
SURVEY, SURVEY_MAP = EXAMPLES / "survey.csv", EXAMPLES / "survey.map.yaml"
DEFAULT = "Editing: scenarios/newsletter_opt_in.yaml"


def opened(kind: str):
    """The editor with one of the "From your data" choices picked."""
    at = editor()
    at.radio(key=fromdata.KIND).set_value(kind).run()
    assert not at.exception
    return at


def uploads(at, export: tuple[str, bytes], mapping: tuple[str, bytes]):
    """Put a file in each box, as a person drops them (the boxes of the current round)."""
    n = at.session_state.get(fromdata.ROUND, 0)
    at.file_uploader(key=f"ed-from-export-{n}").set_value((*export, "application/octet-stream"))
    at.file_uploader(key=f"ed-from-map-{n}").set_value((*mapping, "application/x-yaml"))
    return at.run()


def built(export: Path | tuple[str, bytes] = CUSTOMERS, mapping: Path | tuple[str, bytes] = CUSTOMERS_MAP, *,
          survey: bool = False, segments_only: bool = False):
    """The editor after "Build population" on these files."""
    at = opened(fromdata.BUILD)
    if survey:
        at.radio(key="ed-from-file-kind").set_value(imports.SURVEY).run()
    if segments_only:
        at.radio(key="ed-from-result").set_value(fromdata.SEGMENTS_ONLY).run()
    named = [(f.name, f.read_bytes()) if isinstance(f, Path) else f for f in (export, mapping)]
    at = uploads(at, *named)
    assert not at.button(key="ed-from-build").disabled
    at.button(key="ed-from-build").click().run()
    assert not at.exception
    return at


def levels(population: dict) -> dict:
    """The segments of a population as a built block states them (the editor's data adds every default)."""
    return {name: {k: seg[k] for k in ("share", "concern", "trust", "annual_value", "churn_per_year")}
            for name, seg in population["segments"].items()}


def markdown(at) -> str:
    return " ".join(texts(at.markdown)).replace("\\", "")


def test_nothing_of_it_is_drawn_until_it_is_picked():
    at = editor()
    assert [u.key for u in at.get("file_uploader")] == ["ed-upload-file"], "one drop zone: the scenario's"
    at = opened(fromdata.BUILD)
    labels = [u.label for u in at.get("file_uploader")]
    assert labels[1:] == [f"Customer export (.csv, .parquet, .xlsx, up to {imports.EXPORT_MB} MB)",
                          "Mapping file (.yaml, up to 256 KB)"]
    assert at.button(key="ed-from-build").disabled, "both files are needed"


def test_the_example_export_becomes_the_editors_population_read_from_a_private_file():
    at = built()
    expect = population_from_export(CUSTOMERS, CUSTOMERS_MAP)
    pop = draft(at)["population"]
    assert levels(pop) == population_data(expect.segments, 50_000, 1.0)["segments"]
    assert (pop["size"], pop["represents"]) == (50_000, 1.0)
    file = Path(pop["from_file"])
    folder = at.session_state[fromdata.FOLDER].path
    assert file.parent == folder and oct(folder.stat().st_mode)[-3:] == "700"
    assert [p.name for p in folder.iterdir()] == [file.name], "the upload itself is deleted once read"
    assert at.caption[0].value == "Editing: Opt-in newsletter, population built from customers.csv"
    assert texts(at.success)[0].startswith("The editor's population is now the one built from customers.csv "
                                           "through customers.map.yaml")
    assert any(t.startswith("Valid: 1 practice(s)") for t in texts(at.success)) and not at.error
    said = markdown(at)
    assert "Identifiers dropped, never read: email." in said
    assert "Identifiers kept only as a salted hash (the salt is not kept): customer_id." in said
    assert "Read 50,000 rows of customers.csv: privacy_segment, annual_spend" in said
    mix = at.dataframe[0].value
    assert list(mix["segment"]) == ["fundamentalist", "pragmatist", "unconcerned"]
    assert list(mix["share"]) == ["25.20%", "60.02%", "14.78%"] and mix["customers"][0] == "12,600"
    consent = at.dataframe[1].value
    assert list(consent.columns) == ["segment", "practice", "granted", "refused"]
    assert list(consent.iloc[0]) == ["fundamentalist", "newsletter", "24.60%", "30.22%"]
    assert [u.value for u in at.get("file_uploader")[1:]] == [None, None], "the boxes start again empty"


def test_segments_only_keeps_the_levels_and_reads_no_file():
    at = built(segments_only=True)
    pop = draft(at)["population"]
    assert pop["from_file"] is None and pop["segments"]["fundamentalist"]["share"] == 0.252
    assert "Segments only" in markdown(at)
    assert not list(at.session_state[fromdata.FOLDER].path.iterdir())


def test_a_survey_shows_its_mix_with_intervals_and_becomes_the_population():
    at = built(SURVEY, SURVEY_MAP, survey=True)
    mix = population_from_survey(SURVEY, SURVEY_MAP)
    shown = at.dataframe[0].value
    first = mix.segments[0]
    assert list(shown.columns) == ["segment", "respondents", "share", "95% interval", "concern"]
    assert shown["95% interval"][0] == f"{first.low * 100:.2f}% – {first.high * 100:.2f}%"
    assert shown["respondents"][0] == f"{first.respondents:,}"
    assert levels(draft(at)["population"]) == population_data(mix.levels, 100_000, 1.0)["segments"]
    assert "947 of 1,000 respondents of survey.csv classified, weighted, effective n 819." in markdown(at)
    assert "Identifiers dropped, never read: respondent_id." in markdown(at)


def test_a_map_of_the_wrong_kind_is_shown_as_the_command_line_words_it_and_loads_nothing():
    with pytest.raises(InputError) as cli:
        population_from_export(CUSTOMERS, SURVEY_MAP)
    at = built(CUSTOMERS, SURVEY_MAP)
    assert texts(at.error) == [str(p).replace(str(SURVEY_MAP), "survey.map.yaml") for p in cli.value.problems]
    assert texts(at.error)[0].startswith("survey.map.yaml:3: weight: unknown key 'weight'")
    assert at.caption[0].value == DEFAULT and fromdata.FOLDER in at.session_state
    assert not list(at.session_state[fromdata.FOLDER].path.iterdir()), "nothing is kept of a failed build"
    assert "nothing was loaded" in markdown(at)


def test_a_bad_value_in_the_export_names_the_uploaded_file_line_and_column():
    lines = CUSTOMERS.read_text().splitlines()[:5]
    lines[2] = lines[2].replace(",P,", ",Q,").replace(",F,", ",Q,").replace(",U,", ",Q,")
    at = built(("mine.csv", ("\n".join(lines) + "\n").encode()))
    assert texts(at.error) == ["mine.csv:3: column privacy_segment: got 'Q'; allowed: one of the codes F, P, U"]
    assert at.caption[0].value == DEFAULT


def test_an_export_over_the_limit_is_refused_before_it_is_written_or_read(tmp_path):
    with pytest.raises(InputError) as big:
        imports.build(imports.CUSTOMERS, imports.Upload("big.csv", bytes(imports.EXPORT_MAX + 1)),
                      imports.Upload("m.yaml", b""), tmp_path, per_customer=True)
    assert str(big.value) == ("big.csv: it has 50 MB; allowed: up to 50 MB (a larger export: privsim population "
                              "build on the command line)")
    assert not list(tmp_path.iterdir())


def serialised(at) -> bytes:
    """Every value the session holds (user keys and widget values, old and new), pickled where it can be."""
    inner = at.session_state._state._state          # streamlit's SessionState behind AppTest's view of it

    def one(value: object) -> bytes:
        try:
            return pickle.dumps(value)
        except Exception:   # a value that does not pickle is looked at as its repr
            return repr(value).encode()

    values = [*inner._old_state.values(), *inner._new_session_state.values(), *at.session_state.to_dict().values()]
    return b"".join(one(v) for v in values)


def identifiers() -> tuple[set[bytes], set[bytes]]:
    with open(CUSTOMERS, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r["email"].encode() for r in rows}, {r["customer_id"].encode() for r in rows}


def leaked(blob: bytes, emails: set[bytes], ids: set[bytes]) -> set[bytes]:
    """E-mail addresses and customer ids of the export found in ``blob``."""
    found = set(re.findall(rb"[\w.+-]+@[\w-]+\.[\w.]+", blob)) & emails
    return found | (set(re.findall(rb"C\d{7}", blob)) & ids)


def test_no_email_or_customer_id_of_the_export_stays_in_the_session_or_the_result_cache():
    emails, ids = identifiers()
    at = opened(fromdata.BUILD)
    at = uploads(at, (CUSTOMERS.name, CUSTOMERS.read_bytes()), (CUSTOMERS_MAP.name, CUSTOMERS_MAP.read_bytes()))
    assert leaked(serialised(at), emails, ids), "the check sees an upload while the session holds it"
    at.button(key="ed-from-build").click().run()
    assert not at.exception and "population built from customers.csv" in at.caption[0].value
    assert not leaked(serialised(at), emails, ids)
    scenario = saved(at, "Our base")
    assert scenario.population.from_file is not None
    small = resize(scenario, 300)
    key = run_key("compare", [small, small], 1, 1)
    STORE.compute(key, lambda: compare([small, small], 1, seed=1))
    assert not leaked(pickle.dumps(STORE.get(key)), emails, ids)   # the entry this run stored (others are other tests')
    folder = at.session_state[fromdata.FOLDER].path
    assert not any(leaked(p.read_bytes(), emails, ids) for p in folder.iterdir())
    assert version(at) >= 2


def test_a_fides_data_map_opens_as_a_scenario_and_lists_what_it_could_not_map_with_file_and_line():
    files = sorted((EXAMPLES / "fides").glob("*.yml"))
    at = opened(fromdata.DATA_MAP)
    at.file_uploader(key="ed-from-fides").set_value([(f.name, f.read_bytes(), "application/x-yaml") for f in files])
    at.run()
    at.button(key="ed-from-import").click().run()
    assert not at.exception and not at.error
    cli = read_data_map(EXAMPLES / "fides")
    folder = str(EXAMPLES / "fides") + "/"
    assert texts(at.warning) == [str(w).replace(folder, "") for w in cli.warnings]
    assert texts(at.warning)[0].startswith("ads.yml:16: system[0].privacy_declarations[1].data_categories[2]:")
    assert at.caption[0].value == "Editing: ads.yml, shop.yml (data map)"
    assert [p["id"] for p in draft(at)["strategy"]["practices"]] == [p.id for p in cli.scenario.strategy.practices]
    assert texts(at.success)[0].startswith(f"Opened the scenario skeleton of ads.yml, shop.yml: "
                                           f"{len(cli.scenario.strategy.practices)} practices")
    assert "ads.yml, shop.yml (data map)" in at.session_state[workspace.SAVED]


def test_a_file_that_is_no_data_map_is_refused_and_loads_nothing():
    at = opened(fromdata.DATA_MAP)
    at.file_uploader(key="ed-from-fides").set_value([("scenario.yml", b"name: not fides\n", "application/x-yaml"),
                                                     ("bin.yml", b"system: \xff\n", "application/x-yaml")])
    at.run()
    at.button(key="ed-from-import").click().run()
    assert texts(at.error) == ["bin.yml:1: not UTF-8 text (byte 9); allowed: a UTF-8 YAML file"]
    at.file_uploader(key="ed-from-fides").set_value(("scenario.yml", b"name: not fides\n", "application/x-yaml"))
    at.run()
    at.button(key="ed-from-import").click().run()
    assert texts(at.error) == ["scenario.yml:1: not a Fides data map; allowed: a manifest with a top-level "
                               "'system:' (or 'dataset:') list"]
    assert at.caption[0].value == DEFAULT and workspace.SAVED not in at.session_state
