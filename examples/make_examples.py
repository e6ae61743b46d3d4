"""Write the bundled synthetic examples of docs/own-data.md: a customer export and a privacy-attitude survey.

Deterministic (seeded): running it again writes the same files. Every person is invented; the e-mail
addresses use the reserved example.com domain.

    python examples/make_examples.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SEGMENTS = np.array(["F", "P", "U"])          # the export's own codes for the Westin segments
MIX = [0.25, 0.60, 0.15]
SPEND = [300, 350, 380]                        # mean yearly spend per segment
CHURN = [0.12, 0.10, 0.09]                     # yearly churn per segment: mean tenure 1/λ years
OPT_IN = [[0.25, 0.30], [0.45, 0.15], [0.60, 0.10]]        # newsletter: yes, no (rest blank) per segment
PROFILING = [[0.10, 0.40], [0.30, 0.20], [0.50, 0.10]]     # personalisation: granted, refused per segment


def _numbered(prefix: str, n: int, digits: int) -> np.ndarray:
    """Numbered labels: prefix0001, prefix0002 and so on."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), digits))


def customers(n: int = 50_000, seed: int = 2026) -> pd.DataFrame:
    """A CRM export: ids and e-mails (identifiers), segment, spend, tenure, two consent flags, age band, platform."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(3, size=n, p=MIX)
    spend = np.round(np.asarray(SPEND)[seg] * rng.lognormal(-0.125, 0.5, n) / 10) * 10
    lam = -np.log1p(-np.asarray(CHURN))[seg]
    tenure = np.round(rng.exponential(1 / lam) * 12).astype(int)
    u, v = rng.random(n), rng.random(n)
    yes, no = np.asarray(OPT_IN)[seg].T
    granted, refused = np.asarray(PROFILING)[seg].T
    return pd.DataFrame({
        "customer_id": _numbered("C", n, 7),
        "email": np.char.add(_numbered("customer", n, 5), "@example.com"),
        "privacy_segment": SEGMENTS[seg],
        "annual_spend": spend.astype(int),
        "tenure_months": tenure,
        "email_opt_in": np.where(u < yes, "yes", np.where(u < yes + no, "no", "")),
        "profiling": np.where(v < granted, "granted", np.where(v < granted + refused, "refused", "")),
        "age_band": rng.choice(["18-34", "35-54", "55+"], size=n, p=[0.3, 0.4, 0.3]),
        "platform": rng.choice(["web", "ios", "android"], size=n, p=[0.5, 0.25, 0.25]),
    })


def survey(n: int = 1_000, seed: int = 2027) -> pd.DataFrame:
    """A privacy-attitude survey: the three Westin–Harris statements (1–4, 9 not sure), four Likert items, weights."""
    rng = np.random.default_rng(seed)
    latent = rng.choice(3, size=n, p=[0.26, 0.56, 0.18])       # fundamentalist, pragmatist, unconcerned
    # P(agree) with each statement by latent attitude: lost control, businesses proper, laws adequate
    agree = np.array([[0.95, 0.08, 0.08], [0.60, 0.60, 0.55], [0.10, 0.92, 0.92]])[latent]
    answers = {}
    for j, name in enumerate(("q_control", "q_business", "q_laws")):
        strong = rng.random(n) < 0.4
        code = np.where(rng.random(n) < agree[:, j], np.where(strong, 1, 2), np.where(strong, 4, 3))
        answers[name] = np.where(rng.random(n) < 0.02, 9, code)                 # 2% 'not sure'
    level = np.array([0.85, 0.5, 0.15])[latent]
    likert = {f"c{i}": np.clip(np.round(1 + 4 * (level + rng.normal(0, 0.15, n))), 1, 5).astype(int)
              for i in (1, 2, 4)}
    likert["c3"] = np.clip(np.round(5 - 4 * (level + rng.normal(0, 0.15, n))), 1, 5).astype(int)   # reverse-worded
    weight = np.round(rng.choice([0.5, 1.0, 1.5, 2.0], size=n, p=[0.2, 0.5, 0.2, 0.1]), 2)
    return pd.DataFrame({"respondent_id": _numbered("R", n, 4), **answers,
                         **{k: likert[k] for k in ("c1", "c2", "c3", "c4")}, "weight": weight})


if __name__ == "__main__":
    customers().to_csv(HERE / "customers.csv", index=False)
    survey().to_csv(HERE / "survey.csv", index=False)
