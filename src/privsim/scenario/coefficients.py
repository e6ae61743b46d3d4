"""Behaviour coefficients: every number the model uses, with its default, plausible range and source.

This is the ``behavior:`` block of a scenario. Ranges feed sensitivity and uncertainty
analysis; sources are in docs/sources.md and the docs it points to, and docs/model.md §16 lists them.
Tags: [V] checked, [R] recalled, [N] an anecdote (one case or a news figure), [A] assumption, [F] fitted
by ``privsim calibrate`` to the target named.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from privsim.scenario.base import Strict

Weight = Annotated[float, Field(ge=0.0, le=1.0)]
Days = Annotated[float, Field(gt=0.0, le=3650.0)]
WIDEST = 100.0   # a valid value lies within this many times the farthest end of the plausible range


def coef(default: float, lo: float, hi: float, source: str, *, share: bool = False, positive: bool = False) -> Any:
    """A coefficient: default, plausible range [lo, hi] (for SA and uncertainty), valid range and source.

    The plausible range is what sensitivity and uncertainty analysis sample; the valid range is what a
    user may set: 0–1 for a share, otherwise the sign of the plausible range and at most ``WIDEST`` times
    its farthest end, and above 0 for a ``positive`` one (half-lives, delays, divisors).
    """
    far = WIDEST * max(abs(lo), abs(hi))
    low = (0.0 if lo >= 0 else -far)
    high = 1.0 if share else (far if hi > 0 else 0.0)
    bound = {"gt": low} if positive else {"ge": low}
    return Field(default, **bound, le=high, description=source, json_schema_extra={"range": [lo, hi]})


class Group(Strict):
    """Base of a coefficient group: strict keys, immutable, finite numbers."""


class Consent(Group):
    """Grant probability σ(U) when asked (docs/model.md §3)."""

    intercept: float = coef(2.71, 1.8, 3.6, "[F] β0: targets opt_in_cross_context + banner_reject_first_layer")
    privacy_cost: float = coef(22.04, 15.0, 30.0, "[F] β_X per unit sensitivity×unexpectedness×concern; same fit")
    trust: float = coef(2.0, 0.5, 4.0, "[A] β_T: trust in the firm raises disclosure (sign only: Dinev & Hart 2006; "
                        "docs/sources.md §consent)")
    incentive: float = coef(0.4, 0.1, 1.0, "[A] β_inc on ln(1 + 100·incentive/annual value): diminishing returns")
    default_shift: float = coef(1.2, 0.5, 2.5, "[R] status-quo bias of a default-on choice (Johnson, Bellman & "
                                "Lohse 2002; docs/sources.md §consent)")
    previously_refused: float = coef(-1.0, -2.0, -0.3, "[A] asked again after refusing or opting out")
    framing_benefit: float = coef(0.3, 0.0, 0.6, "[R] framing and defaults are 'separate and additive' (Bellman "
                                  "et al. 2001; docs/sources.md §consent)")
    framing_alarm: float = coef(-0.3, -0.6, 0.0, "[R] same source, negative frame")
    pre_ticked: float = coef(1.6, 0.8, 2.5, "[A] size ours; pre-selection has a 'large effect' (Utz et al. 2019; "
                             "docs/sources.md §consent)")
    hidden_reject: float = coef(2.03, 1.2, 3.0, "[F] no reject on the first layer: +22 pp, capped near 95% "
                                "(Nouwens et al. 2020; docs/sources.md §consent)")
    confirmshaming: float = coef(0.4, 0.1, 0.8, "[A] guilt-laden decline wording")
    nagging: float = coef(0.6, 0.2, 1.0, "[A] repeated prompts until yes")
    bundled: float = coef(1.0, 0.5, 1.8, "[A] consent bundled with terms of service")
    forced: float = coef(3.0, 2.0, 4.0, "[N] 'accept or lose access': one case, WhatsApp 2021, base not visibly "
                         "dented (docs/sources.md §consent)")


class Notice(Group):
    """Share of customers who read a notice, by channel; only readers are informed (docs/model.md §5).

    Sources: docs/reaction_sources.md §1 (row numbers in brackets).
    """

    in_app: float = coef(0.50, 0.30, 0.80, "[A] a blocking in-app screen is seen, not necessarily read; no study "
                         "measures reading (consent banners: 5–55% interact, Utz et al. 2019 [1.13])", share=True)
    email: float = coef(0.18, 0.15, 0.25, "[V] privacy-update e-mails opened by 15–20% (PostUp 2018 [1.20]); "
                        "marketing e-mail 18–23% (Mailchimp, Constant Contact [1.17–1.18])", share=True)
    postal: float = coef(0.34, 0.10, 0.50, "[V] a third recalled reading a mailed GLBA privacy notice (ABA 2001: 66% "
                         "did not remember it or did not read it [1.22])", share=True)
    website_only: float = coef(0.01, 0.001, 0.04, "[V] 99–99.9% never open a licence page (Bakos et al. clickstream "
                               "[1.9]); 2–4% click through from a banner (Fox Rothschild 2019 [1.12])", share=True)


class Trust(Group):
    """Asymmetric trust: T ← T − λα·T·B + α·(1−T)·G + ρ·(T̄ − T)."""

    learning_rate: float = coef(0.005, 0.002, 0.01, "[A] α: trust response per unit daily good/bad load")
    loss_aversion: float = coef(2.25, 2.0, 2.5, "[R] λ = α⁻/α⁺ ≈ 2–2.5 (Slovic 1993; Tversky & Kahneman 1992; "
                                "docs/sources.md §trust)")
    recovery_half_life_days: float = coef(120.0, 60.0, 365.0, "[A] relaxation toward baseline trust", positive=True)
    consented: float = coef(0.15, 0.05, 0.30, "[A] felt intrusion left after informed consent (Martin et al. "
                            "2017; docs/sources.md §trust)", share=True)
    noticed: float = coef(0.50, 0.30, 0.80, "[A] felt intrusion of a disclosed use never chosen (opt-out, notice)", share=True)
    value_delivered: float = coef(0.5, 0.0, 1.5, "[A] good load per unit revenue lift delivered with consent")
    apology: float = coef(0.05, 0.0, 0.15, "[A] one-off good load of a public apology")
    shock_days: float = coef(40.0, 15.0, 90.0, "[A] a revelation weighs like this many days of its outrage")


class Outrage(Group):
    """Outrage on learning of a violation, by kind: o = w_kind·x·c·(1 + a_T·(T − ½))·(1 + v if all at once).

    Weights are relative to a disclosed use never chosen (1); a known use of these kinds is felt daily at its
    weight too (docs/model.md §5, §8). Evidence: docs/reaction_sources.md §2. Supported orderings: sharing
    without permission over a breach (Ping 2019: 55% vs 27% most deterred; Bansal 2012); a broken promise
    over an announced retroactive change (Toysmart vs Amazon 2000); aggressive dark patterns draw backlash,
    mild ones none (Luguri & Strahilevitz 2021). Sizes are our assumption, tested as orderings.
    """

    covert: float = coef(3.0, 2.0, 4.5, "[A] a covert use or sale, once known: betrayal; twice a breach (Ping 2019 "
                         "[2.1])")
    deception: float = coef(3.5, 2.5, 5.0, "[A] contradicts a published promise: the betrayal plus the lie; ordering "
                            "only (Toysmart vs Amazon [2.19]; Martin 2015 [2.6])")
    retroactive: float = coef(2.5, 1.5, 3.5, "[A] new terms applied to data already held; below a broken promise "
                              "(Amazon 2000 [2.19]; Gateway Learning 2004: docs/sources.md §outrage)")
    dark_pattern: float = coef(2.0, 1.2, 3.0, "[A] consent obtained by a dark pattern, once noticed (aggressive "
                               "patterns backfire: Luguri & Strahilevitz 2021 [2.20])")
    exposure: float = coef(3.0, 2.0, 4.5, "[A] a customer's activity shown to other users: the largest protests on "
                           "record (News Feed 2006 ≈ 8%, Beacon 2007 [2.21])")
    breach_negligent: float = coef(1.5, 1.0, 2.5, "[A] records exposed through the company's fault: half of covert, "
                                   "the ratio of those most deterred by each (Ping 2019: 27% vs 55% [2.1])")
    breach_attack: float = coef(1.2, 0.75, 2.0, "[A] by an outside attack: customers blame the firm anyway (62–70%, "
                                "Gemalto; 63% even when phished, Ping [2.10–2.11]); no study compares the two")
    visibility: float = coef(0.5, 0.0, 1.0, "[A] v: visible to every user at once (feed changes) adds this share")
    trust_amplifier: float = coef(1.0, 0.0, 2.0, "[A] a_T: the more a customer trusted, the deeper the betrayal "
                                  "(direction: Grégoire & Fisher 2008; docs/sources.md §outrage)")


class OptOut(Group):
    """Per-touch opt-out and complaint hazards (docs/model.md §5)."""

    per_send: float = coef(0.00284, 0.001, 0.004, "[F] h0 at 4 sends/month; target unsubscribe_per_send", share=True)
    reference_per_month: float = coef(4.0, 4.0, 4.0, "[A] f0: reference frequency of the per-send rate", positive=True)
    frequency_elasticity: float = coef(0.5, 0.0, 1.0, "[A] η: intensity shortens time to opt-out (direction: Kumar, "
                                       "Zhang & Luo 2014; the size is ours, economics_sources §2)")
    trust_elasticity: float = coef(2.0, 1.0, 3.0, "[A] hazard × exp(−β·(T − 0.5))")
    intrusion_elasticity: float = coef(4.0, 1.0, 8.0, "[A] hazard × (1 + κ·felt intrusion)")
    complaint_per_send: float = coef(0.0000790, 0.00004, 0.0004, "[F] c0; target complaint_per_send 0.012%", share=True)
    complaint_elasticity: float = coef(1.0, 0.5, 2.0, "[A] η_c on frequency")
    complaint_after_optout: float = coef(0.02, 0.005, 0.05, "[A] complaint per send to someone who asked to leave", share=True)
    deliverability_threshold: float = coef(0.003, 0.003, 0.003, "[V] Gmail/Yahoo bulk-sender complaint ceiling "
                                           "0.3% (docs/sources.md §opt_out)", share=True)
    deliverability_penalty: float = coef(0.25, 0.1, 0.5, "[A] spam-folder share once over the ceiling; unmeasured "
                                         "(nearest: DMA/Return Path 2018, docs/sources.md §opt_out)", share=True)
    per_review: float = coef(0.02, 0.005, 0.05, "[A] opt-out per review per unit felt intrusion I = x·m·c", share=True)
    review_interval_days: int = Field(7, ge=1, le=30, description="[A] days between opt-out reviews of non-contact practices")


class Lift(Group):
    """Revenue lift with diminishing returns in contact frequency (docs/economics_sources.md §2)."""

    saturation_per_month: float = coef(6.0, 4.0, 8.0, "[V] f₀ of g(f) = 1 − e^(−f/f₀): a frequency test's refit "
                                       "gives f₀ = 1.42/week ≈ 6.2/month, R² 0.98 (MineThatData 2018, F2.2); clicks "
                                       "flat between 6 and 25/month (F2.3–F2.5); optimum 7 (Zhang et al. 2017, F2.7)",
                                       positive=True)
    reference_per_month: float = coef(4.0, 4.0, 4.0, "[A] f_ref: the frequency at which revenue_lift is stated",
                                      positive=True)


class Churn(Group):
    """Daily churn hazard: segment base plus privacy excess damped by lock-in."""

    say_do: float = coef(0.077, 0.025, 0.2, "[F] realised ≈ 1/5–1/40 of stated intent (docs/sources.md §churn); "
                         "target breach_abnormal_churn", share=True)
    intent_trust: float = coef(1.0, 0.5, 2.0, "[A] stated yearly intent to leave per unit relative trust loss")
    intent_loyalty: float = coef(0.44, 0.0, 1.0, "[A] ω_L: intent to stay per unit relative trust gain, ω_T/λ: "
                                 "a gain weighs less than a loss (Tversky & Kahneman 1992; docs/sources.md §trust)")
    loyalty_max: float = coef(0.13, 0.0, 0.4, "[A] q_L: the most intent to stay trust can earn, ≈ 1 pp/yr less "
                              "churn at the mean switching rate: the bound of economics_sources §5 (a breach-sized "
                              "loss moves realised churn only 2–4 pp, T5.9)")
    intent_offended: float = coef(0.70, 0.50, 0.83, "[V] 70% would stop doing business after a breach (Gemalto "
                                  "2017; docs/sources.md §churn)", share=True)
    privacy_active_share: float = coef(0.32, 0.30, 0.37, "[V] 'privacy actives' who have switched (Cisco 2019–22; "
                                       "docs/sources.md §churn)", share=True)
    inactive_factor: float = coef(0.25, 0.1, 0.5, "[A] realised switching of non-actives relative to actives", share=True)
    leave_delay_days: float = coef(332.0, 180.0, 540.0, "[V] mean delay of a decided exit: 67% of lost business in "
                                   "year 1 (IBM/Ponemon 2019; docs/sources.md §churn)", positive=True)


class Discovery(Group):
    """Discovery hazard of covert or unexpected uses, media cycle and word of mouth."""

    per_year: float = coef(1.5, 0.5, 4.0, "[A] yearly hazard at full reach, sensitivity and unexpectedness (Path: "
                           "10 weeks; docs/sources.md §discovery)")
    reach_exponent: float = coef(0.5, 0.3, 1.0, "[A] discovery grows sub-linearly with reach")
    disclosed_factor: float = coef(0.10, 0.02, 0.3, "[A] disclosed-but-unexpected uses surface less often", share=True)
    all_at_once_factor: float = coef(4.0, 2.0, 8.0, "[A] visible to all users at once (Beacon, feed changes: "
                                     "docs/reaction_sources.md [2.21])")
    salience_weights: tuple[Weight, Weight, Weight] = Field(
        (0.55, 0.30, 0.15), description="[A] media salience S = Σ w·e^(−t/τ): weights ours; attention decays "
                                        "bi-exponentially (Candia 2019; docs/sources.md §discovery)")
    salience_days: tuple[Days, Days, Days] = Field(
        (1.0, 7.0, 30.0), description="[V] τ: most attention gone in ≈36 h, a week for big stories, long tail "
                                      "(Dezső 2006; Lorenz-Spreen 2019; docs/sources.md §discovery)")
    media_reach: float = coef(0.15, 0.05, 0.4, "[A] daily hearing hazard per unit salience")
    word_of_mouth: float = coef(0.15, 0.05, 0.4, "[A] daily hearing hazard per unit share of offended contacts")
    offence_scale: float = coef(1.0, 0.6, 1.6, "[A] offence threshold θ ~ U(0, scale)")
    outrage_half_life_days: float = coef(21.0, 7.0, 60.0, "[A] issue-attention decline, no measured half-life "
                                         "(Downs 1972; docs/sources.md §discovery)", positive=True)
    complaint: float = coef(0.0006, 0.0002, 0.002, "[F] formal complaint per offended customer; target 0.025% "
                            "(Lotus 1990: docs/reaction_sources.md [2.21])", share=True)
    protest_targeted: float = coef(0.0054, 0.001, 0.01, "[F] protest per offended customer; target "
                                   "protest_covert_targeted (Beacon petition 65k of 55M ≈ 0.12%: "
                                   "docs/reaction_sources.md [2.21])", share=True)
    protest_all_at_once: float = coef(0.124, 0.1, 0.3, "[F] the same, visible to all at once; target "
                                      "protest_all_at_once (largest feed-change protest ≈ 8%: "
                                      "docs/reaction_sources.md [2.21])", share=True)
    opt_out: float = coef(0.30, 0.1, 0.5, "[N] one case: 54% said they changed settings after Cambridge Analytica "
                          "(Pew 2018; docs/sources.md §discovery)", share=True)

    @field_validator("salience_weights")
    @classmethod
    def _weights(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"weights sum to {sum(v):.6g}; allowed: weights summing to 1 (salience 1 on a story's day)")
        return v


class Media(Group):
    """Outlets by tier: the share of customers in each audience (nested), follow-ups as outrage spreads.

    Sources: docs/reaction_sources.md §3 (row numbers in brackets).
    """

    audience_trade: float = coef(0.05, 0.01, 0.10, "[V] trade and tech press: TechCrunch 1.2–1.9%, The Verge 4–7% "
                                 "of US adults a month [3.2–3.4]", share=True)
    audience_national: float = coef(0.25, 0.08, 0.45, "[A] national news for days: one outlet's night reaches "
                                    "7.6% (evening newscasts [3.6]), a front-page story 58–84% [3.9, 3.11]",
                                    share=True)
    audience_front_page: float = coef(0.80, 0.58, 0.84, "[V] front pages everywhere: 58% had heard of Cambridge "
                                      "Analytica within a week, 67–84% of Equifax within 3 weeks [3.9, 3.11]",
                                      share=True)
    escalate_national: float = coef(0.02, 0.005, 0.05, "[A] mean offended share of customers at which a trade "
                                    "story is taken up nationally (each story's level uniform on 0–2×)", share=True)
    escalate_front_page: float = coef(0.10, 0.05, 0.2, "[A] mean offended share at which a national story makes "
                                      "front pages (each story's level uniform on 0–2×)", share=True)
    breach_national: float = coef(1e5, 1e4, 1e6, "[A] real people affected from which a notified breach is "
                                  "national news", positive=True)
    breach_front_page: float = coef(1e7, 1e6, 1e8, "[A] real people affected from which it is front-page news "
                                    "(Equifax 147M, T-Mobile 77M: docs/sources.md §media)", positive=True)


class Breach(Group):
    """The cost of a breach by its size (USD 2024, converted); its odds are ``incidents``.

    Cost C(N) = C_ref·(N/N_ref)^b for N real records (docs/economics_sources.md §1): per-record costs fall
    steeply with size. The engine books the direct part, (1 − lost business share)·C(N): lost business comes
    from the churn it simulates.
    """

    cost_reference_usd: float = coef(4.88e6, 4.45e6, 4.88e6, "[V] C_ref: IBM/Ponemon 2024 average breach, "
                                     "$4.88M at ≈ 27,000 records (economics_sources B1.46)", positive=True)
    reference_records: float = Field(27_000.0, gt=0.0, description="[V] N_ref: records of the IBM average breach "
                                     "(2013–2023 per-record cost vs average cost, economics_sources B1.1–B1.19)")
    cost_exponent: float = coef(0.58, 0.42, 0.76, "[V] b: IBM 2024 power law through the average and mega-breach "
                                "end points, 0.577 (B1.26); insurance claims 0.42 (B1.34), Jacobs 2014 0.76 (B1.30); "
                                "Target, T-Mobile, Equifax within 0.6–1.9× (B1.66)", share=True)
    lost_business_share: float = coef(0.30, 0.29, 0.39, "[V] share of breach cost that is lost business, simulated "
                                      "as churn instead: IBM 2024 30.1%, 2023 29.2%, 2019–21 36–38% (B1.41–B1.46)",
                                      share=True)
    notification_share: float = coef(0.13, 0.08, 0.18, "[V] notification's share of the direct cost: IBM 2024 "
                                     "$0.43M of $3.41M (B1.46); none when customers are not notified", share=True)


class Incidents(Group):
    """Operational incidents: hazard per unit of exposure, what each control leaves of it, and their size.

    Hazards are yearly rates on real staff, devices and copies (``operations:``), never on simulated
    customers, so a result does not depend on the simulated size (docs/operations.md; entries O… are in
    docs/operations_sources.md). Sizes are real records, log-normal (median, σ of ln), capped by what the
    person, device or copy can reach.
    """

    insider_per_agent_year: float = coef(0.01, 0.002, 0.08, "[A] misuse per agent-year with access to every "
                                         "record: Facebook's detected 0.002 (52 fired of 16,000 in 20 months) × 5 "
                                         "undetected, below monitored EHR snooping 0.03–0.08 (O1.2, O1.4)", share=True)
    need_to_know_hazard: float = coef(0.1, 0.02, 0.3, "[A] what need-to-know access leaves of misuse: the target "
                                      "must be in scope (O2)", share=True)
    need_to_know_reach: float = coef(0.05, 0.005, 0.2, "[A] share of the base a need-to-know agent can open: one "
                                     "segment of ≈ 20 (O2; NIST SP 800-53 AC-6)", share=True)
    just_in_time_access: float = coef(0.2, 0.04, 0.6, "[A] what ticket-bound access leaves of misuse: ≈ 1% of the base "
                               "open at a time against 5% in scope (O2)", share=True)
    access_logging: float = coef(0.6, 0.3, 0.9, "[A] what logged, reviewed access leaves of misuse: alerts cut "
                                 "repeat snooping to ≤ 0.73 per offender (O3.2), plus general deterrence", share=True)
    logging_detects: float = coef(0.7, 0.4, 0.9, "[A] share of misuse and records taken that reviewed logs find "
                                  "(the rest is found only if it comes out: O3)", share=True)
    undetected_comes_out: float = coef(0.3, 0.1, 0.6, "[A] share of undetected misuse that comes out later (a "
                                       "victim, a journalist: Uber God View, O1.6)", share=True)
    departure_per_leaver: float = coef(0.1, 0.02, 0.3, "[A] leavers with access to every record who take customer "
                                       "records: 50–59% of leavers keep confidential data (O4.1–O4.2), a third of "
                                       "them customer records, halved without bulk export", share=True)
    dlp: float = coef(0.5, 0.2, 0.9, "[A] what data-loss prevention leaves of leavers taking records: it covers "
                      "the channels leavers name, not photos or memory (O4.2)", share=True)
    lost_device_per_year: float = coef(0.023, 0.017, 0.036, "[V] devices lost or stolen per device-year: 7.12% in "
                                       "three years (Intel/Ponemon 2010, O5.1), industry spread (O5.2)", share=True)
    disk_encryption: float = coef(0.02, 0.0, 0.1, "[A] what full-disk encryption leaves of a lost device's breach: "
                                  "none is notifiable (GDPR Art. 34(3)(a), Cal. Civ. Code §1798.82, O5.5–O5.7); 2% "
                                  "lost unlocked or with the key", share=True)
    remote_compromise_per_person_year: float = coef(0.01, 0.002, 0.06, "[A] remote accounts taken over and used on "
                                                    "customer data per person-year without MFA: 5.8% of accounts a "
                                                    "year (O6.1) × 20% that reach the CRM", share=True)
    mfa: float = coef(0.05, 0.008, 0.25, "[V] what MFA leaves of account takeover: 99% of automated and bulk, 76% "
                      "of targeted attacks blocked, mixed 80/20 [A] (O6.2–O6.4)", share=True)
    security_training: float = coef(0.95, 0.85, 1.0, "[V] what awareness training leaves of phishing takeover: "
                                    "three field studies find no or near-zero effect (O6.5–O6.8)", share=True)
    test_copy_leak_per_year: float = coef(0.05, 0.01, 0.15, "[A] leaks of a production copy kept for testing, as "
                                          "exposed as production (O7)", share=True)
    masked_test_data: float = coef(0.1, 0.05, 0.3, "[A] what masking leaves of a test-copy leak: pseudonymised data "
                                   "are still personal data (GDPR Art. 4(5)); synthetic copies leave none (O7.5–O7.6)",
                                   share=True)
    intrusion_per_year: float = coef(0.05, 0.02, 0.25, "[A] outside intrusions exposing customer records per "
                                     "mid-size firm-year: SMBs < 2%, Fortune 1000 ≈ 25% (Cyentia IRIS 2020, O9.1)",
                                     share=True)
    insider_records: float = coef(2.0, 1.0, 10.0, "[A] median records one misuse touches: most are about one "
                                  "person (HHS small breaches, O8.5–O8.6)", positive=True)
    departure_records: float = coef(500.0, 100.0, 5000.0, "[A] median records a leaver takes (AT&T call centres: "
                                    "5k–23k per employee at the tail, O8.6)", positive=True)
    device_records: float = coef(200.0, 50.0, 2000.0, "[A] median records exposed by a lost device: local exports, "
                                 "not the whole CRM (O8)", positive=True)
    remote_share: float = coef(0.05, 0.01, 0.2, "[A] median share of what a taken-over account reaches (O8)",
                               share=True)
    test_copy_share: float = coef(0.5, 0.1, 1.0, "[A] median share of the base a leaked test copy holds: dumps are "
                                  "whole tables (O7.3, O8)", share=True)
    intrusion_share: float = coef(0.03, 0.005, 0.1, "[V] median share of the base an intrusion takes: ≈ IBM's mean "
                                  "26k records at a 1M base (O8.3)", share=True)
    size_spread: float = coef(2.0, 1.0, 3.0, "[A] σ of ln records per incident: log-normal sizes (Edwards et al. "
                              "2016, O8.1), heavy tail (Wheatley et al. 2016, O8.2)", positive=True)


class Service(Group):
    """Personalised service moments: contacts that surface data the customer did not expect (docs/operations.md).

    A contact is 'creepy' with probability q = q_x·x·a·m, x the practice's privacy cost s·(1 − e), a the
    access (broad 1, need-to-know ``need_to_know``), m the masking left; consent lowers it to
    ``trust.consented``. The benefit is the practice's lift and handling time saved, scaled the same way.
    """

    creepy_per_cost: float = coef(0.7, 0.15, 2.0, "[A] q_x: 5% (1–15%) of broad-access contacts feel too personal "
                                  "at a purchase-history record (x = 0.07): 10% bring in outside data, 46% find that "
                                  "creepy (O10.4–O10.5)", positive=True)
    need_to_know: float = coef(0.1, 0.05, 0.3, "[A] what need-to-know access leaves of it: two-thirds of 'too "
                               "personal' cases use data not knowingly shared (O10.4)", share=True)
    field_masking: float = coef(0.5, 0.2, 0.8, "[A] what masked sensitive fields leave of it (O10)", share=True)
    complaint: float = coef(0.1, 0.02, 0.3, "[A] complaints per creepy contact per unit concern (no measured "
                            "figure found: O10)", share=True)
    need_to_know_benefit: float = coef(0.8, 0.5, 1.0, "[A] share of personalisation's benefit a need-to-know agent "
                                       "still delivers: case history drives resolution (O10.9)", share=True)
    masking_benefit: float = coef(0.9, 0.7, 1.0, "[A] share of it left with masked fields (O10.9)", share=True)
    handle_time_saving: float = coef(0.10, 0.0, 0.25, "[A] share of handling cost saved when the agent sees the "
                                     "customer's history (no measured figure found: O10)", share=True)


class Regulator(Group):
    """What reaches a regulator, how often it investigates, and how an investigation ends (docs/model.md §10).

    Hazards are yearly or per real complaint; a day's probability of an investigation is 1 − exp(−Σ hazards).
    """

    formal_share: float = coef(0.10, 0.02, 0.3, "[A] complaints about a violation that reach a regulator", share=True)
    per_formal_complaint: float = coef(1.2e-3, 4.5e-4, 5e-3, "[V] investigation hazard per real formal complaint "
                                       "about a violation on record: ICO 2021–23, 44 investigations or actions in "
                                       "98,305 complaints, 38% of which found something to put right; CNIL 2023 "
                                       "0.5% (docs/enforcement_sources.md)")
    media_per_year: float = coef(20.0, 5.0, 60.0, "[A] yearly hazard per unit media salience while a violation "
                                 "is on record (a front-page story: about 1 − e^(−0.4))")
    audit_per_year: float = coef(0.02, 0.005, 0.1, "[A] audits, whistle-blowers and leaks for violations nobody "
                                 "outside knows of")
    breach_notice: float = coef(0.3, 0.1, 1.0, "[A] hazard of a notified breach at one million people affected, "
                                "rising with the square root: 1% at a thousand people (ICO 2018/19: under 1% of "
                                "breach reports led to any action: docs/enforcement_sources.md)")
    investigation_days: int = Field(180, ge=1, le=1460, description="[A] from opening to outcome")
    no_action: float = coef(0.8, 0.6, 0.92, "[V] investigations that end without a public action: ICO 2021–23 "
                            "0.66, FTC COPPA 2017–22 0.86, CNIL 2023 complaint-led controls ≈ 0.91 "
                            "(docs/enforcement_sources.md)", share=True)
    story: float = coef(0.5, 0.2, 1.0, "[A] intensity of the story a public action makes", share=True)


class Enforcement(Group):
    """How a public action ends and what it costs (docs/model.md §10).

    Given a public action: the share that is an order without money, and the amount
    log10(USD) = a + regime offset + b_p·log10(people) + sensitive + repeat, with a normal residual,
    capped by the statute (privsim.model.fines). [F] values are the fit on 70% of
    src/privsim/data/enforcement.csv (privsim.experiments.enforcement; ranges ± 2 standard errors, Wilson for
    shares); the held-out 30% scores it in ``privsim calibrate --check``.
    """

    order_eu: float = coef(0.14, 0.07, 0.28, "[V] public EU sanctions without a fine: CNIL 2023, 6 of 42 (the "
                           "dataset holds EU fines only; docs/enforcement_sources.md)", share=True)
    order_uk: float = coef(0.42, 0.26, 0.61, "[V] UK actions without money: ICO 2019/20, 7 enforcement notices and "
                           "4 cautions against 15 fines (the dataset holds UK fines only; "
                           "docs/enforcement_sources.md)", share=True)
    order_us: float = coef(0.57, 0.32, 0.81, "[F] US orders without money where no civil penalty applies (7 of 12)",
                           share=True)
    order_us_penalty: float = coef(0.06, 0.0, 0.22, "[F] US orders without money under a civil-penalty statute "
                                   "(0 of 14)", share=True)
    amount_intercept: float = coef(3.81, 1.93, 5.69, "[F] a in log10 USD (an EU action about one person)")
    amount_uk: float = coef(-0.71, -1.95, 0.53, "[F] UK offset in log10 USD")
    amount_us: float = coef(-0.37, -1.23, 0.49, "[F] US offset in log10 USD")
    amount_people: float = coef(0.38, 0.06, 0.70, "[F] b_p: log10 USD per log10 people affected")
    amount_sensitive: float = coef(0.94, 0.14, 1.74, "[F] log10 USD for sensitive or children's data")
    amount_repeat: float = coef(1.38, 0.46, 2.30, "[F] log10 USD for a repeat offender or a violated order")
    amount_sd: float = coef(1.19, 0.9, 1.5, "[F] residual spread of log10 amounts", positive=True)


class Response(Group):
    """The company's decision under pressure (docs/model.md §11).

    Pressure P = backlash / b_ref + media salience + w_I·[investigation open]; a step is taken with daily
    probability 1 − exp(−ρ·max(0, P − τ_posture·(1 + κ·R))), R the practice's share of revenue.
    """

    backlash_reference: float = coef(0.10, 0.05, 0.2, "[A] b_ref: offended share of customers that weighs like a "
                                     "front-page story", share=True)
    investigation: float = coef(0.5, 0.2, 1.0, "[A] w_I: pressure of an open investigation")
    tolerance_responsive: float = coef(0.05, 0.02, 0.15, "[A] τ: acts on a trade-press story (Path, Zoom, Instagram: "
                                       "1–4 days; docs/reaction_sources.md §4)")
    tolerance_defensive: float = coef(0.45, 0.2, 0.8, "[A] τ: yields to national pressure (Beacon 9–29 days: "
                                      "docs/reaction_sources.md [4.3])")
    tolerance_stonewall: float = coef(1.2, 0.8, 2.0, "[A] τ: yields only to overwhelming pressure")
    stake: float = coef(6.3, 1.0, 12.0, "[F] κ: tolerance grows with the revenue at stake; targets reversal_peripheral "
                        "and reversal_central (established revenue practices are kept for months: Verizon, Venmo: "
                        "docs/reaction_sources.md [4.12, 4.14])")
    rate: float = coef(1.56, 0.5, 5.0, "[F] ρ: daily hazard of acting per unit of pressure above tolerance; same fit")
    review_days: int = Field(7, ge=1, le=365, description="[A] days before the next step is considered")


class Behavior(Group):
    """All behaviour coefficients (the scenario's ``behavior:`` block)."""

    consent: Consent = Consent()
    notice: Notice = Notice()
    trust: Trust = Trust()
    outrage: Outrage = Outrage()
    opt_out: OptOut = OptOut()
    lift: Lift = Lift()
    churn: Churn = Churn()
    discovery: Discovery = Discovery()
    media: Media = Media()
    breach: Breach = Breach()
    incidents: Incidents = Incidents()
    service: Service = Service()
    regulator: Regulator = Regulator()
    enforcement: Enforcement = Enforcement()
    response: Response = Response()
    concern_sd: float = coef(0.10, 0.05, 0.2, "[A] spread of concern within a segment")
    trust_sd: float = coef(0.08, 0.04, 0.15, "[A] spread of baseline trust within a segment")
    value_sd: float = coef(0.5, 0.2, 1.0, "[A] log-normal spread of annual value (CLV practice)")


def coefficient_ranges(behavior: Behavior | None = None) -> dict[str, tuple[float, float, float]]:
    """Flat map ``path -> (default, lo, hi)`` of every ranged coefficient, for SA and uncertainty."""
    behavior = behavior or Behavior()
    out: dict[str, tuple[float, float, float]] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                walk(value, f"{prefix}{name}.")
            elif isinstance(field.json_schema_extra, dict) and "range" in field.json_schema_extra:
                lo, hi = field.json_schema_extra["range"]
                out[f"{prefix}{name}"] = (float(value), float(lo), float(hi))

    walk(behavior, "behavior.")
    return out
