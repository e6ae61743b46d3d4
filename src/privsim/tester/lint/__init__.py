"""Strategy lint: checks a scenario's strategy against a catalogue of worst practices.

Heuristics, not legal advice. ``lint(path)`` returns a :class:`Report` of located findings;
``price(report)`` simulates each fix under common random numbers; ``to_sarif`` and
``to_dict`` serialise it. Checks come from research/privacy_methods.md §3; each belongs to
one or more jurisdiction packs (``PACKS``) that state when their rules were last checked.
"""

from privsim.tester.lint import consent, contact, data, governance, sharing  # noqa: F401  (register the checks)
from privsim.tester.lint.base import CHECKS, SEVERITIES, Check, Finding, Price
from privsim.tester.lint.packs import NOTICE, PACKS, Pack, packs_for
from privsim.tester.lint.pricing import price, simulated_inputs
from privsim.tester.lint.runner import FAIL_ON, Report, lint, to_dict
from privsim.tester.lint.sarif import to_sarif

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
