"""Calibration to your own history: coefficients that maximise the likelihood of an observed time series.

Python API (the dashboard's Calibrate page uses the same)::

    import privsim
    s = privsim.resize(privsim.load_scenario("examples/history-base.yaml"), 1000)
    fit = privsim.calibrate_history(s, "examples/history.csv", fit=["behavior.opt_out.per_send"], reps=2)
    fit.params_frame()     # parameter, low, high, start, fitted, se, ci_low, ci_high, identified
    fit.quality_frame()    # part (fitted / held out), metric, rows, observed, simulated, error, within_band, ...
    fit.to_frame()         # every history row: observed, simulated mean, P5, P95, part, loglik
    fit.overlay()          # the fitted behavior: block as overlay YAML (privsim run --overlay)
    privsim.history_figure(fit)   # observed against simulated P5–P95 bands per metric (plotly)

The scenario's day 0 is the history's first date; each row's simulated figure is the sum over its period
(``history_sim``), scored by its predictive distribution (``likelihood``). The last ``holdout`` share of the
history's dates is held out before fitting and scored apart. Coefficients move within their documented ranges;
the log-likelihood, averaged over replications on one seed (common random numbers), is a deterministic function
of them, which scipy's bounded Nelder–Mead maximises. Intervals are Wald intervals from the observed
information: the curvature of the log-likelihood at the optimum, from a quadratic through evaluations around it
whose steps are chosen so the log-likelihood falls by a few units per axis (``RISE``: a simulated likelihood is a
fine staircase under CRN, and smaller steps would measure the stairs, not the slope). The estimate is that
quadratic's maximum (within its design) when it scores at least as well as the optimiser's best point, which
then sits on a step of the staircase rather than at the slope's top.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from privsim.errors import InputError
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.history_sim import for_history, simulate_rows
from privsim.experiments.likelihood import BAND, Predictive, predictive
from privsim.experiments.sensitivity import factor_ranges
from privsim.scenario.history import History, load_history
from privsim.scenario.overlay import overlay_text
from privsim.scenario.overrides import override, resize
from privsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_FIT = {"unsubscribes": "behavior.opt_out.per_send", "complaints": "behavior.opt_out.complaint_per_send",
               "consent_rate": "behavior.consent.intercept", "churn": "behavior.churn.say_do"}
DEFAULT_REPS = 3
DEFAULT_HOLDOUT = 0.25
START_STEP = 0.15       # initial simplex: 15% of each coefficient's range (as the target fit)
RISE = (8.0, 30.0)      # [A] log-likelihood fall wanted at ±h: well above the CRN staircase (±3 at 2,000 customers)
FIRST_STEP, MIN_STEP, MAX_STEP = 0.08, 0.005, 0.3     # [A] curvature steps, shares of each coefficient's range
STEP_TRIES = 4
Z95 = 1.959964
INTERVAL_METHOD = ("Wald 95% from the observed information (Hessian of the log-likelihood at the optimum, "
                   "a quadratic through evaluations around it)")


def holdout_split(history: History, holdout: float) -> np.ndarray:
    """True for the rows held out: those dated on or after the first of the last ``holdout`` share of dates."""
    if not 0.0 <= holdout < 1.0:
        raise InputError.single("--holdout", f"got {holdout:g}; allowed: 0 (none) up to below 1, e.g. 0.25")
    dates = sorted(set(history.frame["date"]))
    keep = math.ceil(len(dates) * (1.0 - holdout))
    if keep >= len(dates):
        return np.zeros(len(history.frame), dtype=bool)
    return (history.frame["date"] >= dates[keep]).to_numpy()


def default_fit(history: History) -> list[str]:
    """The coefficients the history's metrics inform (``DEFAULT_FIT``), in that order."""
    present = set(history.frame.loc[history.frame["variant"] == "", "metric"])
    return [path for metric, path in DEFAULT_FIT.items() if metric in present]


class Likelihood:
    """The log-likelihood of the fitted rows as a function of the unit cube of the chosen coefficients."""

    def __init__(self, scenario: Scenario, rows: pd.DataFrame, scored: np.ndarray,
                 ranges: dict[str, tuple[float, float, float]], reps: int, seed: int, runner: Executor,
                 progress: Progress, budget: int):
        self.scenario, self.rows, self.scored, self.ranges = scenario, rows, scored, ranges
        self.reps, self.seed, self.runner, self.progress, self.budget = reps, seed, runner, progress, budget
        self.sends = observed_sends(rows)
        self.cache: dict[tuple[float, ...], tuple[float, Predictive]] = {}

    def values(self, z: np.ndarray) -> dict[str, float]:
        """Coefficient values of a unit-cube point."""
        return {p: float(lo + min(max(x, 0.0), 1.0) * (hi - lo)) for x, (p, (_, lo, hi)) in
                zip(z, self.ranges.items(), strict=True)}

    def at(self, z: np.ndarray) -> tuple[float, Predictive]:
        """Log-likelihood of the fitted rows and every row's predictive at ``z`` (remembered)."""
        key = tuple(np.round(np.clip(z, 0.0, 1.0), 9))
        if key not in self.cache:
            s = override(self.scenario, self.values(np.asarray(key)), source="--fit")
            sim = simulate_rows(s, self.rows, self.reps, self.seed, self.runner)
            pred = predictive(sim, self.rows, self.sends)
            self.cache[key] = (float(pred.loglik()[self.scored].sum()), pred)
            self.progress(min(len(self.cache), self.budget), self.budget, "fit evaluations")
        return self.cache[key]

    def __call__(self, z: np.ndarray) -> float:
        """The negative log-likelihood (what the optimiser minimises)."""
        return -self.at(z)[0]


def observed_sends(rows: pd.DataFrame) -> np.ndarray:
    """The history's sends of each count row's date and series (same purpose, else blank purpose); NaN if none."""
    sends = rows[rows["metric"] == "sends"]
    table = {(d, s, p): v for d, s, p, v in zip(sends["date"], sends["segment"], sends["purpose"], sends["value"],
                                                strict=True)}
    out = [table.get((d, s, p), table.get((d, s, ""), np.nan)) if m in ("unsubscribes", "complaints") else np.nan
           for d, s, p, m in zip(rows["date"], rows["segment"], rows["purpose"], rows["metric"], strict=True)]
    return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class Surface:
    """A quadratic fitted to the negative log-likelihood around a point: its Hessian and its minimum."""

    hessian: np.ndarray
    vertex: np.ndarray       # the quadratic's minimum, kept within the design's box and the unit cube


def surface(f: Likelihood, z: np.ndarray) -> Surface:
    """Fit a quadratic around ``z``: each axis's curvature from ±h and ±2h, each pair's from two diagonal points.

    Each axis's step h is grown or shrunk until the log-likelihood falls by ``RISE`` at ±h, so the quadratic
    measures the slope of the likelihood and not the steps of its CRN staircase. When the pairs' cross terms
    are too noisy for a positive-definite Hessian they are dropped (each interval is then conditional on the
    other coefficients' fitted values).
    """
    k = z.size
    f0 = f(z)
    steps, grad, hess = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for i in range(k):
        h = FIRST_STEP
        for _ in range(STEP_TRIES):
            rise = float(np.mean([f(p) - f0 for p in _axial(z, i, (h,))]))
            if rise < RISE[0] and h < MAX_STEP:
                h = min(2.0 * h, MAX_STEP)
            elif rise > RISE[1] and h > MIN_STEP:
                h /= 2.0
            else:
                break
        steps[i] = h
        points = [z, *_axial(z, i, (h, 2.0 * h))]
        d = np.asarray([p[i] - z[i] for p in points])
        coef = np.linalg.lstsq(np.column_stack([np.ones(d.size), d, 0.5 * d**2]),
                               np.asarray([f(p) for p in points]), rcond=None)[0]
        grad[i], hess[i, i] = coef[1], coef[2]
    for i in range(k):
        for j in range(i + 1, k):
            terms = []
            for sign in (1.0, -1.0):
                p = z.copy()
                p[i], p[j] = np.clip(z[i] + steps[i], 0.0, 1.0), np.clip(z[j] + sign * steps[j], 0.0, 1.0)
                d = p - z
                rest = f(p) - f0 - grad @ d - 0.5 * (d**2) @ np.diag(hess)
                if d[i] and d[j]:
                    terms.append(rest / (d[i] * d[j]))
            hess[i, j] = hess[j, i] = float(np.mean(terms)) if terms else 0.0
    if not _positive_definite(hess):
        hess = np.diag(np.diag(hess))
    try:
        shift = -np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        shift = np.zeros(k)
    vertex = np.clip(z + np.clip(shift, -2.0 * steps, 2.0 * steps), 0.0, 1.0)
    return Surface(hessian=hess, vertex=vertex)


def _positive_definite(m: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True


def _axial(z: np.ndarray, i: int, offsets: tuple[float, ...]) -> list[np.ndarray]:
    """Points along axis i at ± each offset, kept inside the unit cube (a bound's side mirrored inward)."""
    out = []
    for o in offsets:
        for sign in (-1.0, 1.0):
            p = z.copy()
            p[i] = z[i] + sign * o
            if not 0.0 <= p[i] <= 1.0:
                p[i] = z[i] - sign * o * 1.5 if 0.0 <= z[i] - sign * o * 1.5 <= 1.0 else np.clip(p[i], 0.0, 1.0)
            out.append(p)
    return out


@dataclass
class HistoryFit:
    """A fit to a history: coefficients with intervals, every row observed against simulated, fit quality."""

    scenario: Scenario                              # the scenario as simulated, with the fitted coefficients
    history: History
    ranges: dict[str, tuple[float, float, float]]
    fitted: dict[str, float]
    se: dict[str, float]                             # standard errors (NaN: not identified)
    rows: pd.DataFrame                               # the history's rows that were simulated, with their fit
    left_out: pd.DataFrame                           # rows not simulated (banner variants: privsim history replay)
    loglik_before: float
    loglik_after: float
    evaluations: int
    converged: bool
    message: str
    reps: int
    seed: int
    holdout: float

    def to_frame(self) -> pd.DataFrame:
        """Every simulated row with its observed and simulated figure and predictive band.

        Columns: date, metric, n, segment, purpose, variant, part, observed, simulated (mean), p5, p95, log_score
        and scored_metric (false for sends, which scale per-send rows but are not scored).
        """
        return self.rows.copy()

    def params_frame(self) -> pd.DataFrame:
        """parameter, low, high (documented range), start, fitted, se, ci_low, ci_high, identified."""
        import pandas as pd

        out = []
        for p, (start, lo, hi) in self.ranges.items():
            se = self.se[p]
            ok = bool(np.isfinite(se))
            out.append({"parameter": p, "low": lo, "high": hi, "start": start, "fitted": self.fitted[p], "se": se,
                        "ci_low": max(lo, self.fitted[p] - Z95 * se) if ok else np.nan,
                        "ci_high": min(hi, self.fitted[p] + Z95 * se) if ok else np.nan, "identified": ok})
        return pd.DataFrame(out)

    def quality_frame(self) -> pd.DataFrame:
        """Fit quality of the fitted and the held-out rows apart, per metric and for all scored rows.

        Columns: part, metric, rows, observed and simulated totals (rates: pooled grants ÷ asked), error
        (simulated ÷ observed − 1), within_band (share of rows inside their P5–P95 band) and log_score (the mean
        log-probability of a row under its predictive distribution: higher is better).
        """
        import pandas as pd

        r = self.rows[self.rows["scored_metric"]]
        out = []
        for part in ("fitted", "held out"):
            mine = r[r["part"] == part]
            for metric in [*dict.fromkeys(mine["metric"]), "all"]:
                m = mine if metric == "all" else mine[mine["metric"] == metric]
                if m.empty:
                    continue
                rate = metric == "consent_rate"
                obs = float((m["observed"] * m["n"]).sum() / m["n"].sum()) if rate else float(m["observed"].sum())
                sim = float((m["simulated"] * m["n"]).sum() / m["n"].sum()) if rate else float(m["simulated"].sum())
                inside = (m["observed"] >= m["p5"]) & (m["observed"] <= m["p95"])
                out.append({"part": part, "metric": metric, "rows": len(m),
                            "observed": obs if metric != "all" else np.nan,
                            "simulated": sim if metric != "all" else np.nan,
                            "error": sim / obs - 1.0 if metric != "all" and obs else np.nan,
                            "within_band": float(inside.mean()), "log_score": float(m["log_score"].mean())})
        return pd.DataFrame(out)

    def overlay(self) -> str:
        """The fitted coefficients as an overlay YAML (``behavior:`` only) with their intervals as comments."""
        p = self.params_frame()
        notes = [f"history {Path(self.history.source).name}, {self.history.start} + {self.history.days} days, "
                 f"{self.reps} replications on seed {self.seed}, last {self.holdout:.0%} of dates held out",
                 f"intervals: {INTERVAL_METHOD}"]
        for row in p.itertuples():
            ci = (f"95% {_g(row.ci_low)} – {_g(row.ci_high)}" if row.identified else "not identified by this "
                  "history")
            notes.append(f"{row.parameter}: {_g(row.fitted)} ({ci}; range {_g(row.low)} – {_g(row.high)})")
        return overlay_text({k: float(f"{v:.6g}") for k, v in self.fitted.items()}, notes)


def _g(v: float) -> str:
    return np.format_float_positional(v, precision=4, unique=False, fractional=False, trim="-")


def calibrate_history(scenario: Scenario, history: str | Path | History, fit: Sequence[str] | None = None, *,
                      reps: int = DEFAULT_REPS, holdout: float = DEFAULT_HOLDOUT, seed: int | None = None,
                      size: int | None = None, maxiter: int = 60, executor: str | Executor = "serial",
                      workers: int | None = None, scheduler: str | None = None,
                      progress: Progress = no_progress) -> HistoryFit:
    """Fit behaviour coefficients to an observed history by maximum likelihood (Nelder–Mead on CRN means).

    Args:
        scenario: the strategy the history is of; its ``behavior:`` block is fitted
        history: a history file (CSV or Parquet, docs/own-data.md) or a loaded :class:`History`
        fit: coefficient paths (default: those the history's metrics inform, ``DEFAULT_FIT``)
        reps: replications per evaluation, all on one seed
        holdout: share of the history's last dates scored apart and left out of the fit
        seed: base seed (default: the scenario's)
        size: simulated customers (the same real population)
        maxiter: likelihood evaluations of the optimiser at most (the intervals take a few more)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called after each evaluation
    """
    from scipy import optimize  # loads on first use: the CLI starts without it

    h = history if isinstance(history, History) else load_history(history)
    params = list(fit) if fit else default_fit(h)
    if not params:
        raise InputError.single("--fit", "the history informs no default coefficient; allowed: --fit PATH")
    ranges = factor_ranges(scenario, params, source="--fit")
    missing = [p for p in params if p not in ranges or not p.startswith("behavior.")]
    if missing:
        raise InputError.single("--fit", f"{missing[0]!r} is a group or has no range; allowed: single behaviour "
                                "coefficients such as behavior.opt_out.per_send")
    ranges = {p: ranges[p] for p in params}
    s = for_history(resize(scenario, size) if size else scenario, h)
    held = holdout_split(h, holdout)
    frame = h.frame.assign(part=np.where(held, "held out", "fitted"))
    simulated = (frame["variant"] == "").to_numpy()
    rows = frame[simulated].reset_index(drop=True)
    scored_metric = (rows["metric"] != "sends").to_numpy()
    scored = scored_metric & (rows["part"] == "fitted").to_numpy()
    if not scored.any():
        raise InputError.single(h.source, "no row to fit: every row is sends, a banner variant or held out; "
                                "allowed: unsubscribes, complaints, consent_rate or churn before the held-out dates")
    seed = s.seed if seed is None else seed
    with make_executor(executor, workers, scheduler) as runner:
        f = Likelihood(s, rows, scored, ranges, reps, seed, runner, progress, maxiter + 2 * len(params) ** 2 + 1)
        z0 = np.array([(v - lo) / (hi - lo) for v, lo, hi in ranges.values()]).clip(0.0, 1.0)
        simplex = np.vstack([z0] + [z0 + np.eye(len(z0))[i] * (START_STEP if z0[i] <= 0.5 else -START_STEP)
                                    for i in range(len(z0))])
        before = f.at(z0)[0]
        result = optimize.minimize(f, z0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(z0),
                                   options={"maxfev": maxiter, "initial_simplex": simplex, "xatol": 0.01,
                                            "fatol": 0.05})
        best = np.asarray(max(f.cache, key=lambda k: f.cache[k][0]))
        quad = surface(f, best)
        if f.at(quad.vertex)[0] >= f.at(best)[0]:
            best = quad.vertex
        after, pred = f.at(best)
        evaluations = len(f.cache)
        se_unit = _standard_errors(quad.hessian)
    fitted = f.values(best)
    se = {p: float(u * (hi - lo)) for u, (p, (_, lo, hi)) in zip(se_unit, ranges.items(), strict=True)}
    return HistoryFit(scenario=override(s, fitted, source="--fit"), history=h, ranges=ranges, fitted=fitted, se=se,
                      rows=_rows(rows, pred, scored_metric), left_out=frame[~simulated].reset_index(drop=True),
                      loglik_before=before, loglik_after=after, evaluations=evaluations,
                      converged=bool(result.success), message=str(result.message), reps=reps, seed=seed,
                      holdout=holdout)


def _standard_errors(hess: np.ndarray) -> np.ndarray:
    """Standard errors from the inverse Hessian; NaN where a curvature is not positive (not identified)."""
    if _positive_definite(hess):
        return np.sqrt(np.diag(np.linalg.inv(hess)))
    diag = np.diag(hess)
    return np.where(diag > 0, 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), np.nan)


def _rows(rows: pd.DataFrame, pred: Predictive, scored_metric: np.ndarray) -> pd.DataFrame:
    """The rows with observed and simulated figures in the row's unit and each row's log-likelihood."""
    return rows.drop(columns=["line", "day", "end"]).assign(
        observed=rows["value"].to_numpy(), simulated=pred.mu, p5=pred.quantile(BAND[0]),
        p95=pred.quantile(BAND[1]), log_score=pred.log_score(), scored_metric=scored_metric).drop(columns="value")
