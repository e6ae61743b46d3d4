import json

import pytest
import yaml

from privsim.errors import InputError
from privsim.scenario.load import dump_scenario, json_schema, load_scenario, scenario_from_text
from privsim.scenario.overrides import override, resize
from privsim.scenario.schema import SCHEMA_VERSION, Scenario
from tests.conftest import SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
BASE = (SCENARIOS / "newsletter_opt_in.yaml").read_text()


def problems(text: str) -> list:
    with pytest.raises(InputError) as exc:
        scenario_from_text(text, "x.yaml")
    return exc.value.problems


def edit(**changes) -> str:
    data = yaml.safe_load(BASE)
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_scenarios_load_and_round_trip(path):
    s = load_scenario(path)
    again = scenario_from_text(dump_scenario(s))
    assert again == s
    assert scenario_from_text(dump_scenario(again)) == again
    assert again.digest() == s.digest()


def test_at_least_twelve_bundled_scenarios():
    assert len(BUNDLED) >= 12


def test_unknown_key_names_line_field_and_suggestion():
    text = BASE.replace("contacts_per_month: 4", "contact_per_month: 4")
    [p] = problems(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "contact_per_month" in t)
    assert p.line == line
    assert p.field == "strategy.practices[0 newsletter].contact_per_month"
    assert "did you mean 'contacts_per_month'" in p.message
    assert "allowed:" in p.message


def test_wrong_type_says_what_is_allowed():
    [p] = problems(BASE.replace("contacts_per_month: 4", "contacts_per_month: weekly"))
    assert p.field.endswith("contacts_per_month")
    assert "'weekly'" in p.message and "a number" in p.message


def test_out_of_range_share():
    [p] = problems(edit(population__segments__pragmatist__share=1.6))
    assert p.field == "population.segments.pragmatist.share"
    assert "1.6" in p.message and "≤ 1" in p.message
    assert p.line is not None


def test_shares_must_sum_to_one():
    [p] = problems(edit(population__segments__pragmatist__share=0.5))
    assert p.field == "population.segments"
    assert "sum to 0.9" in p.message and "summing to 1" in p.message


def test_malformed_yaml_names_line():
    [p] = problems("name: x\npopulation: [size: 3\n")
    assert "malformed YAML" in p.message and p.line is not None


def test_duplicate_keys_are_errors():
    [p] = problems(BASE.replace("horizon_days: 365", "horizon_days: 365\nhorizon_days: 30"))
    assert "duplicate key 'horizon_days'" in p.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as exc:
        load_scenario(tmp_path / "nope.yaml")
    assert "no such file" in str(exc.value)


def test_unknown_event_type_and_bad_practice_reference():
    [p] = problems(BASE + "events:\n  - {type: breech, day: 3}\n")
    assert "did you mean 'breach'" in p.message and p.field == "events[0].type"
    [p] = problems(BASE + "events:\n  - {type: media_story, day: 3, practices: [newsleter]}\n")
    assert "unknown practice 'newsleter'" in p.message and p.field == "events[0].practices"


def test_covert_practice_cannot_ask_for_consent():
    [p] = problems(BASE.replace("disclosed: true", "disclosed: false"))
    assert "covert practice cannot ask for consent" in p.message


def test_unknown_segment_in_practice():
    [p] = problems(BASE.replace("segments: [pragmatist, unconcerned]", "segments: [pragmatist, unconcernd]"))
    assert "unknown segment 'unconcernd'" in p.message
    assert p.field == "strategy.practices[0 newsletter].segments"


def test_schema_version_checked():
    [p] = problems(BASE.replace("schema: 4", f"schema: {SCHEMA_VERSION + 1}"))
    assert p.field == "schema" and "from 0 to" in p.message


def test_schema_0_migrates_draft_field_names():
    draft = BASE.replace("schema: 4", "schema: 0").replace("data: [contact", "categories: [contact")
    draft = draft.replace("consent: opt_in", "consent_mode: opt_in").replace("disclosed: true", "covert: false")
    draft = draft.replace("contacts_per_month: 4", "contact_frequency: 1")
    s = scenario_from_text(draft)
    p = s.strategy.practices[0]
    assert p.data == ["contact", "purchase_history"] and p.consent == "opt_in" and p.disclosed
    assert p.contacts_per_month == pytest.approx(365.25 / 12 / 7, rel=1e-5)
    assert s.schema_version == SCHEMA_VERSION


def test_json_schema_is_complete():
    schema = json_schema()
    assert schema["title"].startswith("privsim scenario")
    text = json.dumps(schema)
    for name in ("contacts_per_month", "repermission_campaign", "concern_drift_per_year", "loss_aversion"):
        assert name in text


def test_override_by_practice_id_and_errors():
    s = load_scenario(SCENARIOS / "newsletter_opt_in.yaml")
    t = override(s, {"strategy.practices.newsletter.contacts_per_month": 8, "population.lock_in": 0.3})
    assert t.strategy.practices[0].contacts_per_month == 8 and t.population.lock_in == 0.3
    with pytest.raises(InputError, match="did you mean 'newsletter'"):
        override(s, {"strategy.practices.newsleter.contacts_per_month": 8})
    with pytest.raises(InputError, match="a number"):
        override(s, {"strategy.practices.newsletter.contacts_per_month": "lots"})


def test_resize_keeps_the_real_population():
    s = load_scenario(SCENARIOS / "newsletter_opt_in.yaml")
    t = resize(s, 2000)
    assert t.population.size == 2000
    assert t.population.size * t.population.represents == pytest.approx(s.population.size * s.population.represents)


def test_scenario_is_frozen():
    s = load_scenario(SCENARIOS / "newsletter_opt_in.yaml")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on assignment
        s.horizon_days = 3  # type: ignore[misc]
    assert isinstance(s, Scenario)


def test_schema_0_migrates_draft_tester_fields():
    draft = BASE.replace("schema: 4", "schema: 0").replace("consent: opt_in", "consent: opt_in\n      optout_steps: 3")
    draft = draft.replace("controls: {opt_out_latency_days: 10,",
                          "controls: {honors_gpc: true, opt_out_latency_days: 10,")
    s = scenario_from_text(draft)
    assert s.strategy.practices[0].opt_out_steps == 3 and s.strategy.controls.honours_gpc is True


def test_schema_1_response_and_outrage_migrate():
    old = BASE.replace("schema: 4", "schema: 1").replace(
        "response: {posture: responsive, actions: [apologise, stop]}",
        "response: {reverse_when_backlash_above: 0.01, reaction_days: 3, apologise: false}")
    old += "behavior:\n  trust: {betrayal: 2.0}\n  response: {centrality_factor: 9}\n"
    s = scenario_from_text(old)
    assert s.strategy.response.posture == "responsive" and s.strategy.response.actions == ["stop"]
    assert s.behavior.outrage.covert == 2.0
    never = scenario_from_text(BASE.replace("schema: 4", "schema: 1").replace(
        "response: {posture: responsive, actions: [apologise, stop]}",
        "response: {reverse_when_backlash_above: null, reaction_days: 3}"))
    assert never.strategy.response.actions == []
