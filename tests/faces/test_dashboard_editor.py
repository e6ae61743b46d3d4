"""Scenario editor: live validation with located messages, table edits, uploads that are checked and never run."""

from __future__ import annotations

import json

import yaml

from privsim.dashboard import workspace
from privsim.dashboard.pages import editor as page_editor
from privsim.scenario.load import dump_scenario
from privsim.scenario.overrides import override
from tests.conftest import small
from tests.faces.test_dashboard import page_app, texts


def editor():
    at = page_app("pages.editor").run()
    assert not at.exception
    return at


def version(at) -> int:
    return at.session_state[page_editor.VERSION]


def edit(at, table: str, rows: dict | None = None, added: list | None = None, deleted: list | None = None):
    at.session_state[f"ed-{version(at)}-{table}"] = {"edited_rows": rows or {}, "added_rows": added or [],
                                                       "deleted_rows": deleted or []}
    return at.run()


def draft(at) -> dict:
    """The scenario as the YAML tab shows it (the editor's current data)."""
    area = next(t for t in at.text_area if t.label == "Scenario YAML")
    return yaml.safe_load(area.value)


def test_the_editor_starts_on_the_default_scenario_and_it_is_valid():
    at = editor()
    assert at.caption[0].value == "Editing: scenarios/newsletter_opt_in.yaml"
    assert texts(at.success)[0].startswith("Valid: 1 practice(s), 0 event(s), 3 segment(s)")
    assert at.text_input(key=f"ed-{version(at)}-top-name").value == "Opt-in newsletter"
    assert not at.error


def test_a_segment_share_edit_shows_the_located_problem_and_fixing_it_clears_it():
    at = edit(editor(), "segments", {0: {"share": 0.5}})
    assert texts(at.error) == ["editor: population.segments: shares sum to 1.25; allowed: shares summing to 1"]
    assert not at.success and not at.get("download_button"), "an invalid scenario cannot be saved or downloaded"
    at = edit(at, "segments", {0: {"share": 0.5}, 1: {"share": 0.35}})
    assert not at.error and texts(at.success)[0].startswith("Valid")
    assert draft(at)["population"]["segments"]["pragmatist"]["share"] == 0.35


def test_a_widget_edit_is_validated_with_what_is_allowed():
    at = editor()
    at.number_input(key=f"ed-{version(at)}-top-horizon_days").set_value(0).run()
    assert any("horizon_days" in e and "allowed" in e for e in texts(at.error))


def test_practice_table_edits_reach_the_scenario_that_is_saved():
    at = edit(editor(), "practices", {0: {"contacts_per_month": 8.0, "segments": ["pragmatist"]}})
    assert not at.error
    at.text_input(key=f"ed-{version(at)}-save-label").set_value("Weekly to pragmatists").run()
    at.button(key="ed-save").click().run()
    saved = at.session_state[workspace.SAVED]["Weekly to pragmatists"]
    practice = workspace.scenario(saved).practice("newsletter")
    assert practice.contacts_per_month == 8.0 and practice.segments == ["pragmatist"]
    assert workspace.scenario(saved).name == "Weekly to pragmatists"     # the saved label is the strategy's name


def test_the_editor_says_which_size_and_replications_will_run():
    at = editor()
    said = next(c for c in texts(at.caption) if c.startswith("On this dashboard it runs with"))
    assert "500 simulated customers" in said and "× 2 replications" in said          # page_app's sidebar settings
    assert "the file's 20 replications" in said


def test_adding_a_practice_row_needs_its_required_fields():
    at = edit(editor(), "practices", added=[{"id": "profiling", "consent": "opt_in"}])
    errors = texts(at.error)
    assert "editor: strategy.practices[1 profiling].purpose: missing required field" in errors
    assert "editor: strategy.practices[1 profiling].data: missing required field" in errors


def test_an_event_whose_details_are_not_a_mapping_is_a_located_problem():
    at = edit(editor(), "events", added=[{"type": "media_story", "day": 30, "details": "loud"}])
    assert "editor: events[0].details: got 'loud'; allowed: a mapping such as {retroactive: true}" in texts(at.error)
    at = edit(at, "events", added=[{"type": "media_story", "day": 30, "details": "{intensity: 0.4}"}])
    assert not at.error
    assert draft(at)["events"] == [{"type": "media_story", "day": 30, "intensity": 0.4}]


def test_a_bad_upload_shows_file_line_and_field_and_loads_nothing():
    at = editor()
    bad = b"schema: 1\nname: Mine\npopulaton:\n  size: 10\n"
    at.file_uploader(key="ed-upload-file").set_value(("mine.yaml", bad, "application/x-yaml")).run()
    errors = texts(at.error)
    assert any(e.startswith("mine.yaml:3: populaton: unknown key 'populaton' (did you mean 'population'?)")
               for e in errors), errors
    assert any(e.startswith("mine.yaml") and "population" in e and "missing required field" in e for e in errors)
    assert at.caption[0].value == "Editing: scenarios/newsletter_opt_in.yaml"
    assert workspace.SAVED not in at.session_state


def test_an_oversized_or_binary_upload_is_refused_before_it_is_read():
    at = editor()
    at.file_uploader(key="ed-upload-file").set_value(("big.yaml", b"#" * 300_000, "application/x-yaml")).run()
    assert texts(at.error) == ["big.yaml: it has 293 KB; allowed: up to 256 KB (a scenario file is a few KB)"]
    at.file_uploader(key="ed-upload-file").set_value(("bin.yaml", b"\x89PNG\r\n\x1a\n", "image/png")).run()
    assert texts(at.error) == ["bin.yaml:1: not UTF-8 text (byte 1); allowed: a UTF-8 YAML file"]


def test_a_good_upload_loads_into_the_form_and_the_workspace_keeping_fields_the_form_does_not_show():
    s = override(small("opt_out_sharing.yaml", 500), {"strategy.practices.partner_sharing.recipients": ["ad_partner"],
                                                       "name": "Uploaded sharing"})
    at = editor()
    at.file_uploader(key="ed-upload-file").set_value(("sharing.yaml", dump_scenario(s).encode(), "text/yaml")).run()
    assert not at.error and at.caption[0].value == "Editing: sharing.yaml"
    assert at.text_input(key=f"ed-{version(at)}-top-name").value == "Uploaded sharing"
    assert "sharing.yaml" in at.session_state[workspace.SAVED]
    at = edit(at, "practices", {0: {"contacts_per_month": 0.0}})
    practice = draft(at)["strategy"]["practices"][0]
    assert practice["recipients"] == ["ad_partner"]


def test_yaml_tab_applies_text_and_locates_problems_by_line():
    at = editor()
    area = next(t for t in at.text_area if t.label == "Scenario YAML")
    text = area.value.replace("horizon_days: 365", "horizon_days: 365\nhorizon_dayz: 3")
    area.set_value(text)
    at.button(key="ed-apply").click().run()
    line = text.splitlines().index("horizon_dayz: 3") + 1
    assert f"editor YAML:{line}: horizon_dayz: unknown key 'horizon_dayz' (did you mean 'horizon_days'?)" in \
        " ".join(texts(at.error))
    area = next(t for t in at.text_area if t.label == "Scenario YAML")
    area.set_value(area.value.replace("\nhorizon_dayz: 3", "").replace("name: Opt-in newsletter", "name: From YAML"))
    at.button(key="ed-apply").click().run()
    assert not at.error and at.text_input(key=f"ed-{version(at)}-top-name").value == "From YAML"


def test_blank_scenario_is_valid_and_has_no_practices():
    at = editor()
    at.button(key="ed-blank").click().run()
    assert texts(at.success)[0].startswith("Valid: 0 practice(s), 0 event(s), 1 segment(s)")


def tab(at, name: str):
    return at.tabs[page_editor.TABS.index(name)]


def columns(at, name: str) -> dict:
    """The column configuration of the table on tab ``name``, as the browser receives it."""
    return json.loads(tab(at, name).get("dataframe")[0].proto.columns)


def saved(at, label: str):
    """Save the edited scenario to the workspace as ``label`` and read it back through the one door."""
    at.text_input(key=f"ed-{version(at)}-save-label").set_value(label).run()
    at.button(key="ed-save").click().run()
    assert not at.exception and not at.error
    return workspace.scenario(at.session_state[workspace.SAVED][label])


def reopen(at, label: str):
    """Open a saved scenario again, as a person would pick it (the picker lists it from the next run on)."""
    at.run()
    at.selectbox(key="ed-open-pick").set_value(label).run()
    at.button(key="ed-open").click().run()
    assert not at.exception and at.caption[0].value == f"Editing: {label} (editor)"
    return at


def test_posture_and_actions_are_edited_in_their_order_and_come_back_in_it():
    at = editor()
    response = tab(at, "Controls & response")
    actions = response.multiselect(key=f"ed-{version(at)}-response-actions")
    assert actions.value == ["apologise", "stop"], "the scenario's order, not the order of the choices"
    assert actions.options[0] == "stop"
    assert "order of the steps" in actions.help
    response.selectbox(key=f"ed-{version(at)}-response-posture").set_value("defensive").run()
    tab(at, "Controls & response").multiselect(key=f"ed-{version(at)}-response-actions").set_value(
        ["add_notice", "add_opt_out", "stop"]).run()
    assert not at.error and texts(at.success)[0].startswith("Valid")
    assert "In turn: add_notice → add_opt_out → stop." in texts(tab(at, "Controls & response").caption)
    scenario = saved(at, "Defensive newsletter")
    assert scenario.strategy.response.posture == "defensive"
    assert scenario.strategy.response.actions == ["add_notice", "add_opt_out", "stop"]
    at = reopen(at, "Defensive newsletter")
    assert at.selectbox(key=f"ed-{version(at)}-response-posture").value == "defensive"
    assert at.multiselect(key=f"ed-{version(at)}-response-actions").value == ["add_notice", "add_opt_out", "stop"]


def test_no_actions_validates_as_a_company_that_never_responds():
    at = editor()
    at.multiselect(key=f"ed-{version(at)}-response-actions").set_value([]).run()
    assert not at.error and texts(at.success)[0].startswith("Valid")
    assert "No actions: the company never responds." in texts(tab(at, "Controls & response").caption)
    assert draft(at)["strategy"]["response"]["actions"] == []
    scenario = saved(at, "Never responds")
    assert scenario.strategy.response.actions == [], "not the default [apologise, stop]"
    at = reopen(at, "Never responds")
    assert at.multiselect(key=f"ed-{version(at)}-response-actions").value == []


def test_a_practice_share_and_centrality_can_be_set_and_cleared():
    at = editor()
    config = columns(at, "Practices")
    assert "share" in config and "An empty cell is null" in config["centrality"]["help"]
    at = edit(at, "practices", {0: {"share": 0.4, "centrality": 0.7}})
    assert not at.error
    practice = saved(at, "Shared").practice("newsletter")
    assert practice.share == 0.4 and practice.centrality == 0.7
    at = reopen(at, "Shared")
    at = edit(at, "practices", {0: {"centrality": None}})
    assert not at.error
    practice = saved(at, "Derived").practice("newsletter")
    assert practice.share == 0.4 and practice.centrality is None, "an empty cell leaves the centrality derived"
    at = edit(at, "practices", {0: {"centrality": None, "share": None}})
    assert saved(at, "Everyone reached").practice("newsletter").share == 1.0
    at = edit(at, "practices", {0: {"share": 1.5}})
    assert texts(at.error) == ["editor: strategy.practices[0 newsletter].share: got 1.5; allowed: a number ≥ 0 and ≤ 1"]


def test_an_optional_number_that_has_a_value_can_be_emptied_to_null():
    at = editor()
    latency = at.number_input(key=f"ed-{version(at)}-controls-opt_out_latency_days")
    assert latency.value == 10 and "null" in latency.help
    latency.set_value(None).run()
    assert not at.error
    assert saved(at, "Opt-outs ignored").strategy.controls.opt_out_latency_days is None
    at = reopen(at, "Opt-outs ignored")
    assert at.number_input(key=f"ed-{version(at)}-controls-opt_out_latency_days").value is None
    at.number_input(key=f"ed-{version(at)}-controls-opt_out_latency_days").set_value(3).run()
    assert saved(at, "Three days").strategy.controls.opt_out_latency_days == 3


def test_a_class_action_and_a_media_story_tier_are_set_in_the_events_table():
    at = editor()
    config = columns(at, "Events")
    assert "class_action" in config["type"]["type_config"]["options"]
    assert "- **media_story**: intensity (default 1.0); tier (trade | national | front_page)" in \
        config["details"]["help"]
    at = edit(at, "events", added=[{"type": "media_story", "day": 30, "details": "{tier: front_page}"},
                                   {"type": "class_action", "day": 60, "practices": ["newsletter"],
                                    "details": "{tier: trade, intensity: 0.3}"}])
    assert not at.error
    events = saved(at, "Sued").events
    assert [(e.type, e.tier) for e in events] == [("media_story", "front_page"), ("class_action", "trade")]
    assert events[1].practices == ["newsletter"] and events[1].intensity == 0.3
    at = edit(at, "events", added=[{"type": "class_action", "day": 60}])
    assert "editor: events[0].practices: missing required field" in texts(at.error)


def test_save_as_follows_the_scenario_that_is_opened():
    at = editor()
    at.selectbox(key="ed-open-pick").set_value("covert_sharing.yaml").run()
    at.button(key="ed-open").click().run()
    assert at.caption[0].value == "Editing: scenarios/covert_sharing.yaml"
    assert at.text_input(key=f"ed-{version(at)}-save-label").value == "Covert third-party sharing, discovered (edited)"
    assert at.multiselect(key=f"ed-{version(at)}-response-actions").value == ["apologise", "stop"]
