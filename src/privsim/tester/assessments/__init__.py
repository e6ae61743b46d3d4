"""Exports for assessments: the stress test and lint findings as a NIST PRAM annex and a CNIL PIA.

``assess(scenario, report)`` runs the stress test and each data action's part in it (common random
numbers); ``workbook(assessment)`` gives the PRAM annex (.xlsx bytes), ``pia(assessment, created)`` the
CNIL PIA tool's JSON. The thresholds behind every score and level are in ``thresholds`` (docs/assessments.md).
"""

from privsim.tester.assessments.actions import DataAction, data_actions, without
from privsim.tester.assessments.assess import ActionRisk, Assessment, assess
from privsim.tester.assessments.cnil import FEARED_EVENTS, pia
from privsim.tester.assessments.figures import Figure
from privsim.tester.assessments.pram import COLUMNS, workbook

__all__ = [
    "COLUMNS",
    "FEARED_EVENTS",
    "ActionRisk",
    "Assessment",
    "DataAction",
    "Figure",
    "assess",
    "data_actions",
    "pia",
    "without",
    "workbook",
]
