"""The joint uncertainty of the fitted coefficients: a Laplace approximation over the calibration targets.

Each fitted target t has a published figure y_t whose bounds are read as a 95% interval, σ_t = (hi − lo)/3.92,
and a simulated value m_t(θ). Around the fitted defaults θ̂ the log-likelihood is −½ Σ ((m_t(θ) − y_t)/σ_t)²;
with the Jacobian J of m at θ̂ (forward differences on common random numbers) the posterior is approximately
N(θ̂, (JᵀWJ + P)⁻¹), W = diag(σ_t⁻²), where P = diag(12/range²) is the Gaussian with the variance of the flat
prior over each coefficient's plausible range (it bounds what no target informs). Draws outside a range
are redrawn. ``make posterior`` writes a sample set to ``data/posterior.csv``; ``privsim uncertainty`` draws
from it, so coefficients fitted jointly move together and stay near the figures they were fitted to.

Run: ``python -m privsim.experiments.posterior [--reps 8] [--size 0] [--draws 400]`` (size 0: each target's own).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from privsim.experiments.calibration import DEFAULT_TARGETS, Target, load_targets
from privsim.experiments.executors import make_executor
from privsim.experiments.fit import Objective
from privsim.experiments.sensitivity import factor_ranges
from privsim.scenario.schema import Scenario

POSTERIOR = Path(__file__).resolve().parents[1] / "data" / "posterior.csv"
Z95 = 1.96
STEP = 0.02            # forward-difference step: 2% of each coefficient's plausible range
SEED = 20261201


@dataclass
class Posterior:
    """Mean and covariance of the fitted coefficients, the Jacobian it rests on and the target widths."""

    paths: list[str]
    mean: np.ndarray
    cov: np.ndarray
    jacobian: np.ndarray          # targets × coefficients, at the mean
    simulated: np.ndarray         # each target's simulated value at the mean
    targets: list[Target]
    ranges: dict[str, tuple[float, float, float]]

    def sample(self, n: int, seed: int = SEED) -> pd.DataFrame:
        """``n`` draws from N(mean, cov) inside every coefficient's plausible range (rejection)."""
        rng = np.random.default_rng(seed)
        lo = np.array([self.ranges[p][1] for p in self.paths])
        hi = np.array([self.ranges[p][2] for p in self.paths])
        kept: list[np.ndarray] = []
        while sum(len(k) for k in kept) < n:
            x = rng.multivariate_normal(self.mean, self.cov, size=4 * n, method="eigh")
            kept.append(x[((x >= lo) & (x <= hi)).all(axis=1)])
        return pd.DataFrame(np.vstack(kept)[:n], columns=self.paths)

    def inside(self, draws: pd.DataFrame) -> dict[str, float]:
        """Share of ``draws`` whose linearised target values m̂ + J·(θ − θ̂) lie within each target's bounds."""
        x = draws[self.paths].to_numpy(float) - self.mean
        predicted = self.simulated + x @ self.jacobian.T
        out = {}
        for k, t in enumerate(self.targets):
            lo, hi = t.bounds
            ok = np.ones(len(draws), dtype=bool)
            if lo is not None:
                ok &= predicted[:, k] >= lo
            if hi is not None:
                ok &= predicted[:, k] <= hi
            out[t.id] = float(ok.mean())
        return out


def fitted_targets(path: str | Path = DEFAULT_TARGETS) -> list[Target]:
    """Targets a coefficient was fitted to (the predicted ones inform nothing here)."""
    return [t for t in load_targets(path) if t.role == "fitted"]


def sigma(t: Target) -> float:
    """The target's bounds read as a 95% interval."""
    lo, hi = t.bounds
    assert lo is not None and hi is not None, t.id
    return (hi - lo) / (2 * Z95)


def laplace(scenario: Scenario, targets: list[Target], *, reps: int = 4, size: int | None = 4000,
            executor: str = "processes", workers: int | None = None) -> Posterior:
    """The Laplace approximation at the scenario's coefficients over ``targets`` (see the module doc)."""
    paths = list(dict.fromkeys(p for t in targets for p in t.fits))
    ranges = factor_ranges(scenario, paths)
    mean = np.array([ranges[p][0] for p in paths])
    width = np.array([ranges[p][2] - ranges[p][1] for p in paths])
    with make_executor(executor, workers) as runner:
        objective = Objective(scenario, targets, Path(DEFAULT_TARGETS).parent, ranges, reps, scenario.seed, size,
                              runner, lambda *_: None, 0)
        centre = np.asarray(objective.measure(dict(zip(paths, mean, strict=True))))
        jacobian = np.empty((len(targets), len(paths)))
        for j, p in enumerate(paths):
            step = STEP * width[j] * (1 if mean[j] + STEP * width[j] <= ranges[p][2] else -1)
            moved = dict(zip(paths, mean, strict=True))
            moved[p] = mean[j] + step
            jacobian[:, j] = (np.asarray(objective.measure(moved)) - centre) / step
    w = np.diag([sigma(t) ** -2 for t in targets])
    precision = jacobian.T @ w @ jacobian + np.diag(12.0 / width**2)
    return Posterior(paths, mean, np.linalg.inv(precision), jacobian, centre, targets, ranges)


def write(posterior: Posterior, draws: pd.DataFrame, seconds: float, path: Path = POSTERIOR) -> None:
    """The sample set, with a header saying how it was made."""
    from privsim.files import write_atomic

    head = (f"# privsim posterior sample: {len(draws)} draws of the {len(posterior.paths)} fitted coefficients, "
            f"Laplace approximation over {len(posterior.targets)} fitted targets (docs/model.md §13); seed {SEED}; "
            f"made by `make posterior` in {seconds:.0f} s\n")
    write_atomic(path, head + draws.to_csv(index=False, float_format="%.6g"))


def load_sample(path: Path = POSTERIOR) -> pd.DataFrame:
    """The shipped sample set (coefficient paths as columns)."""
    return pd.read_csv(path, comment="#")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--draws", type=int, default=400)
    args = parser.parse_args()
    from privsim.experiments.calibration import scenario_for

    targets = fitted_targets()
    started = time.perf_counter()
    base = scenario_for(targets[0], Path(DEFAULT_TARGETS).parent)
    post = laplace(base, targets, reps=args.reps, size=args.size or None)
    draws = post.sample(args.draws)
    seconds = time.perf_counter() - started
    write(post, draws, seconds)
    rng = np.random.default_rng(SEED)                 # one generator: the coefficients drawn independently
    uniform = pd.DataFrame({p: rng.uniform(post.ranges[p][1], post.ranges[p][2], args.draws) for p in post.paths})
    sd = np.sqrt(np.diag(post.cov))
    print(f"{len(post.paths)} coefficients, {len(targets)} targets, {seconds:.0f} s")
    for p, m, s, (_, lo, hi) in zip(post.paths, post.mean, sd, (post.ranges[p] for p in post.paths), strict=True):
        print(f"  {p:42s} {m:10.4g} ± {s:.3g}   (range {lo:.4g} – {hi:.4g})")
    print("share of draws inside each target's bounds (linearised): posterior | uniform ranges")
    a, b = post.inside(draws), post.inside(uniform)
    for t in targets:
        print(f"  {t.id:30s} {a[t.id]:6.1%} | {b[t.id]:6.1%}")


if __name__ == "__main__":
    main()
