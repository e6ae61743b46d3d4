"""Outrage on learning follows the kind of violation, then sensitivity, expectedness, visibility, concern, trust."""

import numpy as np

from tests.model.sim import QUIET, replication

SALE = "{id: s, purpose: data_sale, data: [purchase_history], data_revenue_per_record: 1.0"
SILENT = "response: {actions: []}, "        # the company never responds: outrage as customers form it


def outrage_after(body: str, day: int = 11):
    eng = replication(body + QUIET, until=day, size=6000)
    source = eng.backlash.sources[0]
    return eng, source


def test_a_covert_sale_offends_more_than_a_published_retroactive_change_of_the_same_data():
    covert, a = outrage_after(f"strategy: {{{SILENT}practices: [{SALE}, consent: none, disclosed: false}}]}}\n"
                              "events: [{type: media_story, day: 10, practices: [s], intensity: 1.0}]\n", day=40)
    changed, b = outrage_after(f"strategy: {{{SILENT}practices: [{SALE}, consent: opt_in}}]}}\n"
                               "events: [{type: policy_change, day: 10, practices: [s], retroactive: true, "
                               "new_consent: notice_only, notice: in_app}]\n")
    both = a.aware & b.aware & a.affected & b.affected
    assert both.sum() > 100
    assert a.outrage[both].mean() > b.outrage[both].mean()
    assert (a.outrage[both] >= b.outrage[both]).mean() > 0.9
    assert covert.practices.kind(0) == "covert" and changed.practices.kind(0) == "retroactive"


def test_a_broken_promise_is_deception_and_weighs_as_such():
    eng, _ = outrage_after(f"strategy: {{practices: [{SALE}, consent: opt_in}}], policy_claims: [never_sell]}}\n",
                           day=1)
    assert eng.practices.kind(0) == "deception"
    assert eng.practices.outrage_weight(0) == eng.b.outrage.deception


def test_showing_activity_to_other_users_is_exposure_and_all_at_once_weighs_more():
    body = "strategy: {practices: [{id: b, purpose: publication, data: [purchase_history], consent: opt_out%s}]}\n"
    eng, _ = outrage_after(body % "", day=1)
    loud, _ = outrage_after(body % ", visibility: all_at_once", day=1)
    assert eng.practices.kind(0) == "exposure"
    assert loud.practices.outrage_weight(0) == eng.practices.outrage_weight(0) * (1 + eng.b.outrage.visibility)


def test_those_who_trusted_more_feel_more_betrayed():
    eng, source = outrage_after(f"strategy: {{{SILENT}practices: [{SALE}, consent: none, disclosed: false}}]}}\n"
                                "events: [{type: media_story, day: 10, practices: [s], intensity: 1.0}]\n", day=40)
    known = source.aware & source.affected & (source.outrage > 0)
    per_concern = source.outrage[known] / eng.pop.concern[known]
    assert np.corrcoef(per_concern, eng.pop.trust[known])[0, 1] > 0.5
