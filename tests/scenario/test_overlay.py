"""Overlays: a behavior: block merged into a scenario, validated like a scenario file."""

from __future__ import annotations

import pytest

from privsim.errors import InputError
from privsim.scenario.load import load_scenario
from privsim.scenario.overlay import apply_overlay, overlay_text
from tests.conftest import ROOT

BASE = ROOT / "examples" / "history-base.yaml"


def test_an_overlay_sets_only_its_coefficients(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text(overlay_text({"behavior.opt_out.per_send": 0.002, "behavior.consent.intercept": 3.1}, ["x"]))
    s = apply_overlay(load_scenario(BASE), path)
    assert s.behavior.opt_out.per_send == 0.002 and s.behavior.consent.intercept == 3.1
    assert s.behavior.opt_out.complaint_per_send == load_scenario(BASE).behavior.opt_out.complaint_per_send
    assert path.read_text().startswith("# written by privsim")


def test_bad_overlays_name_their_line(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text("behavior:\n  opt_out:\n    per_sned: 0.002\n")
    with pytest.raises(InputError, match=r"o.yaml:3: .*per_sned.*per_send"):
        apply_overlay(load_scenario(BASE), path)
    path.write_text("behavior:\n  opt_out:\n    per_send: 2\n")
    with pytest.raises(InputError, match=r"o.yaml:3: behavior.opt_out.per_send"):
        apply_overlay(load_scenario(BASE), path)
    path.write_text("behavior: {}\npopulation: {size: 5}\n")
    with pytest.raises(InputError, match="got a 'population' section; allowed: only behavior:"):
        apply_overlay(load_scenario(BASE), path)
