"""The model's equations over customer arrays (docs/model.md names each symbol).

Functions take numpy arrays and return arrays or update them in place; none loops over
customers. Probabilities are float32; a uniform ``u`` decides each one.
"""

from __future__ import annotations

import math

import numpy as np

from privsim.scenario.coefficients import Behavior

F32 = np.float32


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), in place on a float32 array."""
    np.negative(x, out=x)
    np.exp(x, out=x)
    np.add(x, F32(1.0), out=x)
    return np.reciprocal(x, out=x)


def consent_utility(b: Behavior, trust: np.ndarray, concern: np.ndarray, x: float,
                    shift: float, incentive_ratio: np.ndarray | float = 0.0) -> np.ndarray:
    """U = β0 + β_T·(T − ½) − β_X·x·c + β_inc·ln(1 + 100·incentive/value) + Σ shifts (§4)."""
    c = b.consent
    u = (trust - F32(0.5)) * F32(c.trust)
    u -= concern * F32(c.privacy_cost * x)
    u += F32(c.intercept + shift)
    if np.any(incentive_ratio):
        u += F32(c.incentive) * np.log1p(F32(100.0) * np.asarray(incentive_ratio, dtype=F32))
    return u


def choice_probability(b: Behavior, mode: str, utility: np.ndarray) -> np.ndarray:
    """P(yes) of a customer who reads the question: σ(U) to opt in; σ(U + δ_default) to keep a default on.

    Who reads is drawn apart (a notice reaches a share by channel), so a default-on notice keeps everyone who
    does not read it: overall P(grant) = 1 − a·(1 − σ(U + δ)) (§4).
    """
    if mode == "opt_out":
        utility += F32(b.consent.default_shift)
    return sigmoid(utility)


def trust_factor(b: Behavior, trust: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """exp(−β·(T − ½)): low trust raises opt-out hazards."""
    f = np.subtract(trust, F32(0.5), out=out)
    f *= F32(-b.opt_out.trust_elasticity)
    return np.exp(f, out=f)


def send_scales(b: Behavior, per_month: float, x: float) -> tuple[np.float32, np.float32, np.float32]:
    """The constants of the per-send hazards: κ·x, h0·(f/f0)^η and c0·(f/f0)^η_c."""
    o = b.opt_out
    ratio = per_month / o.reference_per_month
    return (F32(o.intrusion_elasticity * x), F32(o.per_send * ratio ** o.frequency_elasticity),
            F32(o.complaint_per_send * ratio ** o.complaint_elasticity))


def per_send_hazards(b: Behavior, per_month: float, x: float, felt: np.ndarray, concern: np.ndarray,
                     factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-send unsubscribe h = h0·(f/f0)^η·e^(−β(T−½))·(1 + κ·I), complaint c = c0·(f/f0)^η_c·(1 + κ·I), I = x·m·c.

    ``factor`` is :func:`trust_factor` of the customers' trust.
    """
    intrusion_scale, unsub_scale, complaint_scale = send_scales(b, per_month, x)
    intrusion = felt * concern
    intrusion *= intrusion_scale
    intrusion += F32(1.0)
    unsub = factor * intrusion
    unsub *= unsub_scale
    complaint = intrusion
    complaint *= complaint_scale
    return unsub, complaint


def review_scale(b: Behavior, x: float) -> np.float32:
    """The constant r·x of the review hazard."""
    return F32(b.opt_out.per_review * x)


def review_hazard(b: Behavior, x: float, felt: np.ndarray, concern: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Opt-out at a periodic review of a data-use practice: r·I·e^(−β(T−½)), I = x·m·c (``factor``: trust_factor)."""
    h = factor * felt
    h *= concern
    h *= review_scale(b, x)
    return h


def recovery_rate(b: Behavior) -> np.float32:
    """ρ = ln 2 / half-life: the daily pull of trust back toward its baseline."""
    return F32(math.log(2.0) / b.trust.recovery_half_life_days)


def update_trust(b: Behavior, trust: np.ndarray, trust_base: np.ndarray, bad: np.ndarray | None,
                 good: np.ndarray | None, scratch: np.ndarray) -> None:
    """T ← T − λα·T·B + α·(1 − T)·G + ρ·(T̄ − T), clipped to [0, 1] (§5)."""
    t = b.trust
    rho = recovery_rate(b)
    np.subtract(trust_base, trust, out=scratch)
    scratch *= rho
    if good is not None:
        gain = F32(1.0) - trust
        gain *= good
        gain *= F32(t.learning_rate)
        scratch += gain
    if bad is not None:
        loss = trust * bad
        loss *= F32(t.loss_aversion * t.learning_rate)
        scratch -= loss
    trust += scratch
    np.clip(trust, F32(0.0), F32(1.0), out=trust)


def chronic_intent(b: Behavior, trust: np.ndarray, trust_base: np.ndarray, inv_base: np.ndarray,
                   out: np.ndarray) -> np.ndarray:
    """Yearly intent to leave from trust: q_T = ω_T·(1 − T/T̄) below the baseline (§7).

    Above it, trust earned is an intent to stay: q_T = −min(ω_L·(T/T̄ − 1), q_L), a bounded loyalty.
    """
    c = b.churn
    np.subtract(trust_base, trust, out=out)
    out *= inv_base                                   # relative deficit 1 − T/T̄ (negative: a surplus)
    if c.intent_loyalty and out.min() < 0:
        gain = np.minimum(np.maximum(-out, F32(0.0)) * F32(c.intent_loyalty), F32(c.loyalty_max))
        np.maximum(out, F32(0.0), out=out)
        out *= F32(c.intent_trust)
        out -= gain
        return out
    np.maximum(out, F32(0.0), out=out)
    out *= F32(c.intent_trust)
    return out


def probability(h: np.ndarray) -> np.ndarray:
    """P = 1 − e^(−h) of a hazard h accumulated over one step (in place): never above 1, ≈ h when small."""
    np.negative(h, out=h)
    np.expm1(h, out=h)
    np.negative(h, out=h)
    return h


def churn_probability(base_hazard: np.ndarray, switching: np.ndarray, intent: np.ndarray,
                      out: np.ndarray) -> np.ndarray:
    """Daily churn p = 1 − exp(−max(0, h_seg + s·q_T/365)), s = say–do × (1 − lock-in) × activity (§7)."""
    np.multiply(switching, intent, out=out)
    out *= F32(1.0 / 365.0)
    out += base_hazard
    np.maximum(out, F32(0.0), out=out)
    return probability(out)


def intent_on_learning(b: Behavior, outrage: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Stated intent to leave on learning of a violation: q = ω_O·min(1, o/θ) (§7)."""
    q = outrage / np.maximum(tolerance, F32(1e-6))
    np.minimum(q, F32(1.0), out=q)
    q *= F32(b.churn.intent_offended)
    return q


def salience_shape(b: Behavior, days_since: float) -> float:
    """Media salience of one story ``days_since`` its start: Σ w·e^(−t/τ), 1 on day 0 (§8)."""
    d = b.discovery
    if days_since < 0:
        return 0.0
    return sum(w * math.exp(-days_since / tau) for w, tau in zip(d.salience_weights, d.salience_days, strict=True))


def discovery_hazard(b: Behavior, reach_share: float, sensitivity: float, unexpectedness: float,
                     disclosed: bool, all_at_once: bool, salience: float) -> float:
    """Daily discovery hazard H = d0/365 · reach^a · s · (1−e) · vis · (1 + S) (× disclosed factor)."""
    d = b.discovery
    if reach_share <= 0.0:
        return 0.0
    h = d.per_year / 365.0 * reach_share ** d.reach_exponent * sensitivity * unexpectedness
    h *= d.all_at_once_factor if all_at_once else 1.0
    h *= d.disclosed_factor if disclosed else 1.0
    return h * (1.0 + salience)


def hearing_probability(b: Behavior, media: np.ndarray | float, mouth: np.ndarray | float,
                        out: np.ndarray) -> np.ndarray:
    """P(hear of a story today) = 1 − exp(−(μ·M_i + β_w·W)).

    M_i is the salience of the stories whose audience holds customer i, W the offended share among contacts.
    """
    d = b.discovery
    if isinstance(mouth, np.ndarray):
        np.multiply(mouth, F32(-d.word_of_mouth), out=out)
    else:
        out.fill(F32(-d.word_of_mouth * mouth))
    if isinstance(media, np.ndarray):
        out -= F32(d.media_reach) * media
    else:
        out -= F32(d.media_reach * media)
    np.expm1(out, out=out)
    return np.negative(out, out=out)
