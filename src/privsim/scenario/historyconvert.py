"""Converters from the shapes e-mail and consent platforms export to the tidy history format.

- an **e-mail campaign report** (one row per campaign: send date, sent or delivered, unsubscribed, spam
  complaints) becomes ``sends``, ``unsubscribes`` and ``complaints`` per send date (campaigns on one date summed);
- a **consent-log summary** (one row per day × purpose × action with a count; optionally a banner variant)
  becomes ``consent_rate`` (grants ÷ grants and denials, with that ``n``) and withdrawals as ``unsubscribes``.

Headers are matched by the aliases below, case and ``_``/``-``/space insensitive (docs/own-data.md lists
them); only the matched columns are read. Problems are located like every other input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from privsim.errors import InputError, Problem, did_you_mean
from privsim.scenario import exports
from privsim.scenario.exports import Export, as_text
from privsim.scenario.history import checked_numbers
from privsim.scenario.schema import NAME

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
TIDY = ["date", "metric", "value", "n", "segment", "purpose", "variant"]
# role -> header aliases, in order of preference (normalised: lower case, single spaces)
EMAIL = {
    "date": ("send date", "sent date", "send time", "sent at", "date"),
    "sends": ("delivered", "emails delivered", "sent", "emails sent", "recipients", "send count"),
    "unsubscribes": ("unsubscribed", "unsubscribes", "unsubs", "unsubscribe count", "opt outs"),
    "complaints": ("spam complaints", "complaints", "spam reports", "abuse reports", "marked as spam"),
}
CONSENT = {
    "date": ("date", "day"),
    "purpose": ("purpose", "purpose id", "category"),
    "action": ("action", "event", "choice", "status"),
    "count": ("count", "events", "total", "n"),
    "variant": ("variant", "banner variant", "banner", "ab variant"),
}
OPTIONAL = {"variant"}
ACTIONS = {
    "grant": ("grant", "granted", "accept", "accepted", "allow", "allowed", "opt in", "consent given"),
    "deny": ("deny", "denied", "reject", "rejected", "decline", "declined", "refuse", "refused"),
    "withdraw": ("withdraw", "withdrawn", "revoke", "revoked", "opt out"),
}
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().lower())


def _columns(path: str | Path, roles: dict[str, tuple[str, ...]], what: str) -> dict[str, str]:
    """Each role's header in the file (the first alias present); a missing required role is bad input."""
    source = str(path)
    kind = exports.kind_of(path, FORMATS)
    header = exports.HEADERS[kind](path)
    found = {_norm(h): h for h in reversed(header)}
    out, problems = {}, []
    for role, aliases in roles.items():
        hit = next((found[a] for a in aliases if a in found), None)
        if hit is not None:
            out[role] = hit
        elif role not in OPTIONAL:
            problems.append(Problem(source, 1 if kind == "csv" else None, "",
                                    f"{what} has no {role} column{did_you_mean(aliases[0], found)}; allowed "
                                    f"headers: {', '.join(repr(a) for a in aliases)} (any case, _ or - for spaces)"))
    if problems:
        raise InputError(problems)
    return out


def _read(path: str | Path, cols: dict[str, str]) -> Export:
    return exports.read_export(path, list(cols.values()), FORMATS, lambda col, hint: InputError.single(
        str(path), f"no column {col!r}{hint}"))


def _dates(export: Export, column: str) -> pd.Series:
    """ISO dates (a time after the date is dropped: the report's clock, not ours)."""
    import pandas as pd

    text = as_text(export.frame[column]).fillna("")
    day = text.str.extract(DATE, expand=False)
    when = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    bad = when.isna().to_numpy()
    if bad.any():
        raise InputError(export.problems(bad, column, "a date YYYY-MM-DD, optionally with a time "
                                         "(YYYY-MM-DD HH:MM[:SS])", export.frame[column], what="a blank date"))
    return when.dt.strftime("%Y-%m-%d")


def _counts(export: Export, column: str) -> np.ndarray:
    problems: list[Problem] = []
    x = checked_numbers(export, column, 0.0, "a whole number ≥ 0", problems)
    problems += export.problems(np.isfinite(x) & (x != np.round(x)), column, "a whole number ≥ 0",
                                export.frame[column])
    if problems:
        raise InputError(problems)
    return x


def _purpose(purpose: str | None) -> str:
    if purpose and not re.match(NAME, purpose):
        raise InputError.single("--purpose", f"got {purpose!r}; allowed: a practice id (lower_snake_case)")
    return purpose or ""


def convert_email(path: str | Path, purpose: str | None = None) -> pd.DataFrame:
    """An e-mail campaign report as tidy history rows: sends, unsubscribes and complaints per send date."""
    import pandas as pd

    label = _purpose(purpose)
    cols = _columns(path, EMAIL, "the e-mail campaign report")
    export = _read(path, cols)
    frame = pd.DataFrame({"date": _dates(export, cols["date"]),
                          **{m: _counts(export, cols[m]) for m in ("sends", "unsubscribes", "complaints")}})
    per_day = frame.groupby("date", sort=True).sum()
    long = per_day.reset_index().melt(id_vars="date", var_name="metric", value_name="value")
    return _tidy(long.assign(purpose=label))


def convert_consent(path: str | Path, rename: dict[str, str] | None = None) -> pd.DataFrame:
    """A consent-log summary (day × purpose × action counts) as tidy rows: consent_rate with n, withdrawals.

    ``rename`` maps the platform's purpose names to practice ids (``{"Marketing": "newsletter"}``).
    """
    import pandas as pd

    rename = rename or {}
    for new in rename.values():
        _purpose(new)
    cols = _columns(path, CONSENT, "the consent log")
    export = _read(path, cols)
    source = export.frame
    purpose = as_text(source[cols["purpose"]]).fillna("").map(lambda p: rename.get(p, p))
    bad = ~purpose.str.match(NAME).to_numpy()
    if bad.any():
        raise InputError(export.problems(bad, cols["purpose"], "a practice id (lower_snake_case), or map the "
                                         "platform's name to one with --rename NAME=PRACTICE", source[cols["purpose"]],
                                         what="a blank purpose"))
    action = as_text(source[cols["action"]]).fillna("").map(_norm)
    kinds = {alias: kind for kind, aliases in ACTIONS.items() for alias in aliases}
    bad = ~action.isin(list(kinds)).to_numpy()
    if bad.any():
        raise InputError(export.problems(bad, cols["action"], "grant, deny or withdraw (or an alias: "
                                         + ", ".join(a for aliases in ACTIONS.values() for a in aliases[1:4]) + " …)",
                                         source[cols["action"]], what="a blank action"))
    variant = as_text(source[cols["variant"]]).fillna("") if "variant" in cols else pd.Series([""] * len(source))
    frame = pd.DataFrame({"date": _dates(export, cols["date"]), "purpose": purpose.to_numpy(),
                          "variant": variant.to_numpy(), "kind": action.map(kinds).to_numpy(),
                          "count": _counts(export, cols["count"])})
    wide = frame.pivot_table(index=["date", "purpose", "variant"], columns="kind", values="count", aggfunc="sum",
                             fill_value=0.0).reindex(columns=list(ACTIONS), fill_value=0.0).reset_index()
    asked = wide["grant"] + wide["deny"]
    rates = wide[asked > 0].assign(metric="consent_rate", value=lambda w: w["grant"] / (w["grant"] + w["deny"]),
                                   n=lambda w: w["grant"] + w["deny"])
    withdrawn = wide[wide["withdraw"] > 0].groupby(["date", "purpose"], as_index=False)["withdraw"].sum()
    withdrawn = withdrawn.assign(metric="unsubscribes", value=withdrawn["withdraw"], variant="")
    return _tidy(pd.concat([rates, withdrawn], ignore_index=True))


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The tidy columns in order, sorted by date and series; blanks for what a converter does not know."""
    for col in TIDY:
        if col not in frame:
            frame[col] = np.nan if col == "n" else ""
    out = frame[TIDY].sort_values(["date", "metric", "purpose", "variant"], kind="stable").reset_index(drop=True)
    out["n"] = out["n"].astype("Int64")
    out["value"] = [f"{v:.0f}" if m != "consent_rate" else np.format_float_positional(v, precision=6, trim="-")
                    for m, v in zip(out["metric"], out["value"], strict=True)]
    return out
