"""Strategy lint: checks a scenario's strategy against a catalogue of worst practices.

Heuristics, not legal advice. ``lint(path)`` returns a :class:`Report` of located findings;
``price(report)`` simulates each fix under common random numbers; ``to_sarif`` and
``to_dict`` serialise it. Checks come from research/privacy_methods.md §3; each belongs to
one or more jurisdiction packs (``PACKS``) that state when their rules were last checked.
"""

from privsim.lint import consent, contact, data, governance, sharing  # noqa: F401  (register the checks)
from privsim.lint.base import CHECKS, SEVERITIES, Check, Finding, Price
from privsim.lint.packs import NOTICE, PACKS, Pack, packs_for
from privsim.lint.pricing import price, simulated_inputs
from privsim.lint.runner import FAIL_ON, Report, lint, to_dict
from privsim.lint.sarif import to_sarif

__all__ = [
    "CHECKS",
    "FAIL_ON",
    "NOTICE",
    "PACKS",
    "SEVERITIES",
    "Check",
    "Finding",
    "Pack",
    "Price",
    "Report",
    "lint",
    "packs_for",
    "price",
    "simulated_inputs",
    "to_dict",
    "to_sarif",
]
