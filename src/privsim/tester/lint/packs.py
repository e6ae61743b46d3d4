"""Jurisdiction packs: which checks apply where, with the limits they use and the date they were checked.

Every rule is a heuristic for a linter, not legal advice. A pack states when its rules were
last checked and against what, so a reader knows how stale they may be. What is a violation, and
from when, is the shared rule base (``privsim.scenario.law``); lint reads it at the scenario's start date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from privsim.errors import InputError, did_you_mean

NOTICE = ("privsim lint applies heuristics, not legal advice: a finding is a reason to ask a lawyer, "
          "and no finding is no assurance of compliance.")
CHECKED_AGAINST = "research/privacy_methods.md (statutes, guidance and enforcement cases), not by a lawyer"


@dataclass(frozen=True)
class Pack:
    """A jurisdiction pack: its laws, limits and the date its rules were last checked."""

    id: str
    title: str
    laws: str
    checked: date


PACKS: dict[str, Pack] = {
    "eu_uk": Pack("eu_uk", "EU and UK", "Directive 95/46/EC, GDPR, ePrivacy Directive, DPA 1998, UK GDPR, PECR; "
                  "EDPB and ICO guidance", date(2026, 12, 1)),
    "us": Pack("us", "US federal", "FTC Act §5, CAN-SPAM, COPPA, GLBA, TCPA; FTC orders", date(2026, 12, 1)),
    "us_ca": Pack("us_ca", "California", "CCPA as amended by CPRA; CPPA regulations (Cal. Code Regs. tit. 11)",
                  date(2026, 12, 1)),
    "us_il": Pack("us_il", "Illinois", "Biometric Information Privacy Act (740 ILCS 14)", date(2026, 12, 1)),
}
ALL = tuple(PACKS)
EU_UK = ("eu_uk",)
EU_UK_CA = ("eu_uk", "us_ca")
FOR_JURISDICTION = {"eu": ("eu_uk",), "uk": ("eu_uk",), "us": ("us",), "us_ca": ("us", "us_ca"),
                    "us_il": ("us", "us_il")}


def packs_for(jurisdictions: list[str] | tuple[str, ...], source: str = "--jurisdiction") -> list[Pack]:
    """The packs that apply to a list of jurisdictions (scenario ``jurisdictions`` or a flag)."""
    chosen: list[str] = []
    for j in jurisdictions:
        if j not in FOR_JURISDICTION:
            raise InputError.single(source, f"got {j!r}{did_you_mean(j, FOR_JURISDICTION)}; "
                                            f"allowed: {', '.join(FOR_JURISDICTION)}")
        chosen += [p for p in FOR_JURISDICTION[j] if p not in chosen]
    return [PACKS[p] for p in chosen]
