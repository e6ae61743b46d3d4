"""The likelihood of observed history rows given simulated ones, and each row's predictive distribution.

Each row's simulated figure is the mean over the replications, shrunk toward its series' pooled rate by one
replication's weight (``PRIOR_REPS``: empirical Bayes), so a coarse simulation (few events a row) does not
score an observation by its own noise. The fit maximises a quasi-likelihood:

- **counts** (unsubscribes, complaints, churn): Poisson with that mean μ (real customers; a per-send row is
  the simulated count per simulated send × the observed sends);
- **rates** (consent_rate): binomial of the observed grants of n asked with the simulated grant probability;

each row weighted by 1 / (1 + φ), φ the ratio of the simulation's sampling variance to the observation's own
(counts: s / (R + 1), s the real customers one simulated event stands for; rates: n / (a + κ), a the
simulated questions of the row and κ the prior's weight). The weights do not depend on the coefficients, so
the estimate stays unbiased, and its curvature (the observed information) counts both sources of noise.

The **predictive** distribution of a row, for its P5–P95 band and its log score, has the same mean and the
same two variances: negative binomial with variance μ(1 + φ) for counts, beta-binomial Beta(g + κp̄,
a − g + κ(1 − p̄)) for rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from privsim.experiments.history_sim import Simulated

if TYPE_CHECKING:
    import pandas as pd

PRIOR_REPS = 1.0        # [A] weight of the series' pooled rate in each row's, in replications
FLOOR = 1e-3            # [A] pseudo-events that keep a row the simulation never produced scoreable
BAND = (0.05, 0.95)     # the P5–P95 band of each row's predictive distribution


@dataclass(frozen=True)
class Predictive:
    """Each row's simulated mean, its quasi-likelihood weight and predictive distribution."""

    rate: np.ndarray        # the row is a consent rate
    observed: np.ndarray    # counts, or grants for a rate
    n: np.ndarray           # a rate's customers asked (1 for counts)
    mu: np.ndarray          # simulated mean: a count, or a grant probability
    phi: np.ndarray         # simulation variance ÷ the observation's own
    alpha: np.ndarray       # rates: the Beta posterior's α and β
    beta: np.ndarray

    def loglik(self) -> np.ndarray:
        """Each row's weighted Poisson or binomial log-likelihood (the fit's objective, summed)."""
        from scipy import stats

        out = np.empty(self.rate.size)
        c, r = ~self.rate, self.rate
        out[c] = stats.poisson.logpmf(self.observed[c], np.maximum(self.mu[c], FLOOR))
        out[r] = stats.binom.logpmf(self.observed[r], self.n[r], self.mu[r])
        return out / (1.0 + self.phi)

    def log_score(self) -> np.ndarray:
        """Log-probability of each observation under its predictive distribution (fitted and held out alike)."""
        from scipy import stats

        out = np.empty(self.rate.size)
        c, r = ~self.rate, self.rate
        out[c] = stats.nbinom.logpmf(self.observed[c], *self._nb(c))
        out[r] = stats.betabinom.logpmf(self.observed[r], self.n[r], self.alpha[r], self.beta[r])
        return out

    def quantile(self, q: float) -> np.ndarray:
        """Predictive quantile in the row's unit (a count, or a share for a rate)."""
        from scipy import stats

        out = np.empty(self.rate.size)
        c, r = ~self.rate, self.rate
        out[c] = stats.nbinom.ppf(q, *self._nb(c))
        out[r] = stats.betabinom.ppf(q, self.n[r], self.alpha[r], self.beta[r]) / self.n[r]
        return out

    def _nb(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Size and probability of the negative binomial with mean μ and variance μ(1 + φ)."""
        phi = np.maximum(self.phi[c], FLOOR)
        return np.maximum(self.mu[c], FLOOR) / phi, 1.0 / (1.0 + phi)


def predictive(sim: Simulated, rows: pd.DataFrame, observed_sends: np.ndarray) -> Predictive:
    """Each row's predictive given the replications.

    ``observed_sends`` is the history's sends of the row's date and series (NaN where it has none): a count row
    with it is read per send. Each row's simulated rate is shrunk toward its series' pooled rate by one
    replication's weight (``PRIOR_REPS``), so a coarse simulation (few events a row) does not score the
    observation by its own noise.
    """
    reps = sim.count.shape[0]
    metric, n = rows["metric"].to_numpy(), rows["n"].to_numpy()
    rate = metric == "consent_rate"
    events = sim.count.sum(axis=0) / np.where(rate, 1.0, sim.represents)   # simulated customers
    asked = sim.asked.sum(axis=0)
    simulated_sends = sim.sends.mean(axis=0)
    per_send = ~rate & np.isfinite(observed_sends) & (simulated_sends > 0)
    exposure = np.where(per_send, simulated_sends, (rows["end"] - rows["day"]).to_numpy())
    series = rows.groupby(["metric", "segment", "purpose"], sort=False).ngroup().to_numpy()
    pooled = _pooled(series, events, np.where(rate, asked, exposure))
    ratio = np.divide(observed_sends, simulated_sends, out=np.ones_like(simulated_sends), where=per_send)
    s = sim.represents * ratio                               # real customers per simulated event
    weight = reps + PRIOR_REPS
    mu_count = (events + PRIOR_REPS * pooled * exposure / reps) * s / weight
    p = np.clip(pooled, FLOOR, 1.0 - FLOOR)
    kappa = np.maximum(asked / reps, 1.0) * PRIOR_REPS       # one replication's questions of the row, at least 1
    alpha, beta = events + kappa * p, asked - events + kappa * (1.0 - p)
    n1 = np.where(rate, n, 1.0)
    grants = np.where(rate, np.round(rows["value"].to_numpy() * np.where(rate, n, 0.0)), rows["value"].to_numpy())
    return Predictive(rate=rate, observed=grants, n=n1, mu=np.where(rate, alpha / (alpha + beta), mu_count),
                      phi=np.where(rate, n1 / (asked + kappa), s / weight), alpha=alpha, beta=beta)


def _pooled(series: np.ndarray, events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Each row's series total of events over its total exposure (0 where the series has no exposure)."""
    e = np.bincount(series, weights=events)
    x = np.bincount(series, weights=exposure)
    return np.divide(e, x, out=np.zeros_like(e), where=x > 0)[series]
