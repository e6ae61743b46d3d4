"""What customers know from the company: a notice informs only its readers, by channel; readers judge it."""

import pytest

from privsim.experiments.runs import simulate
from tests.model.sim import QUIET, replication, scenario

PROFILING = "strategy: {{practices: [{{id: p, purpose: profiling, data: [browsing, purchase_history], " \
            "consent: notice_only, notice: {channel}}}]}}\n"


@pytest.mark.parametrize("channel", ["website_only", "email", "in_app"])
def test_a_notice_informs_the_share_of_its_channel(channel):
    eng = replication(PROFILING.format(channel=channel) + QUIET, until=2, size=20000)
    informed = eng.practices.informed[0][eng.practices.reach[0]].mean()
    assert informed == pytest.approx(getattr(eng.b.notice, channel), abs=0.01)
    p = eng.practices
    unread = p.reach[0] & ~p.informed[0]
    assert (p.felt[0][unread] == 0).all() and (p.felt[0][~unread & p.reach[0]] > 0).all()


def test_an_in_app_notice_informs_more_and_draws_more_opt_outs_and_backlash_than_a_website_notice():
    def run(channel):
        return simulate(scenario(PROFILING.format(channel=channel) + QUIET, size=4000, horizon=120), 0).kpis

    web, app = run("website_only"), run("in_app")
    assert app[("all", "opt_outs")] > 3 * web[("all", "opt_outs")] > 0
    assert app[("all", "backlash_peak")] > 3 * web[("all", "backlash_peak")] > 0
    assert app[("all", "trust_end")] < web[("all", "trust_end")]


def test_a_default_on_notice_keeps_everyone_who_does_not_read_it():
    body = "strategy: {practices: [{id: p, purpose: profiling, data: [browsing], consent: opt_out, " \
           "notice: email}]}\n" + QUIET
    eng = replication(body, until=2, size=20000)
    p = eng.practices
    read = p.informed[0]
    assert read.mean() == pytest.approx(eng.b.notice.email, abs=0.01)
    assert p.reach[0][~read & eng.pop.active].all()           # silence keeps the default
    assert 0.2 < p.reach[0][read].mean() < 0.95               # readers choose


def test_a_practice_can_reach_part_of_its_segments_and_the_same_customers_in_every_arm():
    body = "strategy: {practices: [{id: p, purpose: personalisation, data: [purchase_history], consent: opt_in, " \
           "segments: [pragmatist], share: 0.3}]}\n" + QUIET
    eng = replication(body, until=1, size=10000)
    target = eng.practices.targets[0]
    pragmatists = eng.pop.segment == eng.pop.names.index("pragmatist")
    assert not target[~pragmatists].any()
    assert target[pragmatists].mean() == pytest.approx(0.3, abs=0.02)
    other_arm = replication(body.replace("consent: opt_in", "consent: opt_out"), until=1, size=10000)
    assert (other_arm.practices.targets[0] == target).all()    # common random numbers: the same customers
