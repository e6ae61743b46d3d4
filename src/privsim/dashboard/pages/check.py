"""Strategy check: lint findings with severity and simulated price, and the stress-test gate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from privsim.dashboard import pick, settings, view, workspace
from privsim.dashboard.cache import run_key
from privsim.dashboard.forms import describe
from privsim.experiments.executors import Progress
from privsim.output.formatting import money, signed, value
from privsim.scenario.schema import Gate, Jurisdiction, Scenario
from privsim.tester.gate import GateResult, stress
from privsim.tester.lint import NOTICE, SEVERITIES, Finding, Report, lint, price

BADGE = {"critical": "red", "high": "orange", "medium": "violet", "low": "gray"}


def page() -> None:
    """The Strategy check page."""
    st.title("Strategy check")
    st.warning(NOTICE, icon=":material/gavel:")
    chosen = pick.scenario("check-pick")
    if chosen is None:
        return
    entry, fitted = chosen
    written = workspace.scenario(entry)
    codes = list(describe(Jurisdiction)[2])
    juris = st.multiselect("Jurisdictions", codes, default=list(written.jurisdictions), key="check-jurisdictions",
                           help="Which jurisdiction packs of checks apply (default: the scenario's).")
    cfg = settings.current()
    seed = cfg.seed_for(written)
    st.subheader("Lint: worst practices in the strategy as written")
    report = lint(written, jurisdictions=juris or None, source=entry.source, lines=workspace.lines(entry))
    st.caption("Packs: " + "; ".join(f"{p.title} ({p.laws}; rules checked {p.checked.isoformat()})"
                                     for p in report.packs))
    for col, (severity, n) in zip(st.columns(len(SEVERITIES)), report.counts().items(), strict=True):
        col.metric(severity, n)
    if report.failures:
        key = run_key("lint-price", [written], seed, cfg.reps, size=cfg.size, jurisdictions=juris)
        priced = view.result(key, lambda progress: priced_report(written, juris, entry, cfg, seed, progress),
                             label="Price each fix", what="pricing of the fixes (fixed vs as written, same seeds)")
        findings(priced or report, written.economics.currency)
    else:
        st.success("No check fired.", icon=":material/check_circle:")
    if report.unknowns:
        with st.expander(f"{len(report.unknowns)} check(s) could not be evaluated (an optional field is not stated)"):
            st.dataframe(pd.DataFrame([{"check": f.check.id, "line": f.line, "field": f.field, "why": f.message}
                                       for f in report.unknowns]), hide_index=True)
    gate_section(fitted, seed, cfg)


def priced_report(scenario: Scenario, juris: list[str], entry: workspace.Entry, cfg: settings.Settings, seed: int,
                  progress: Progress) -> Report:
    """Lint again and attach a simulated price to every finding."""
    report = lint(scenario, jurisdictions=juris or None, source=entry.source, lines=workspace.lines(entry))
    price(report, size=cfg.size, reps=cfg.reps, seed=seed, executor=cfg.runner(), progress=progress)
    return report


def price_text(f: Finding, currency: str) -> str:
    """What fixing a finding does in the simulation."""
    p = f.price
    if p is None:
        return "not priced yet"
    if p.status != "priced":
        return {"not_modelled": "not modelled (the fix changes no simulation input)",
                "no_fix": "no automatic fix"}[p.status]
    if p.value == 0 and p.backlash_peak == 0:
        return "no simulated effect in this scenario"
    gain = money(p.value or 0.0, currency)
    ci = f" (95% CI {money(p.value_ci[0], currency)} – {money(p.value_ci[1], currency)})" if p.value_ci else ""
    sign = "+" if (p.value or 0) >= 0 else ""
    return f"total value {sign}{gain}{ci} · backlash peak {signed('backlash_peak', p.backlash_peak or 0.0)}"


def findings(report: Report, currency: str) -> None:
    """A card per finding, most severe first: where it is, what is wrong, the fix and its simulated price."""
    for f in report.failures:
        with st.container(border=True, key=f"finding-{f.check.id}-{f.line}"):
            st.markdown(f":{BADGE[f.severity]}-badge[{f.severity.upper()}] **{f.check.id}** "
                        f"{view.plain(f.check.title)} · line {f.line or '?'}", help=f"Field: {f.field}")
            st.markdown(view.plain(f.message))
            st.caption(f"Fix: {view.plain(f.check.fix_hint)}  \nIf fixed (simulated, same seeds): "
                       f"{view.plain(price_text(f, currency))}")


def gate_section(scenario: Scenario, seed: int, cfg: settings.Settings) -> None:
    """The stress-test gate: the strategy under adverse draws against the thresholds."""
    st.subheader("Stress-test gate: the strategy under adverse draws")
    gate = scenario.gate or Gate()
    st.caption("Thresholds and adverse draws (the scenario's `gate:` block, or the defaults): " + " · ".join(
        f"{name.replace('_', ' ')} {'off' if v is None else value(v)}" for name, v in gate.model_dump().items()))
    key = run_key("gate", [scenario], seed, cfg.reps)
    result = view.result(key, lambda progress: stress(scenario, reps=cfg.reps, seed=seed, executor=cfg.runner(),
                                                      progress=progress),
                         label="Run the stress test", what="stress test")
    if result is not None:
        verdict(result)


def verdict(r: GateResult) -> None:
    """Pass or fail, with every threshold's measured figure."""
    if r.passed:
        st.success("Gate: pass", icon=":material/check_circle:")
    else:
        st.error("Gate: FAIL", icon=":material/cancel:")
    for v in r.verdicts:
        if v.reason:
            st.error(v.reason, icon=":material/cancel:")
    for w in r.warnings:
        st.warning(w.replace("Run the gate with --reps", "Set the sidebar's replications to"),
                   icon=":material/warning:")
    st.caption("Adverse draws: " + "; ".join(r.adverse_draws()))
    st.caption(view.plain(r.outcome()))
    st.dataframe(pd.DataFrame([{"threshold": v.label, "measured": v.shown(v.value),
                                "limit": v.shown(v.limit), "result": "pass" if v.passed else "FAIL"}
                               for v in r.verdicts]), hide_index=True)
    for x in r.run.failed:
        st.warning(f"Replication {x.replicate} failed: {x.error}")
