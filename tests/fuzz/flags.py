"""A seeded generator of command lines, each with good or bad flag values, run in-process through the CLI.

A command line with a bad value must exit 2 with an ``error:`` line and no traceback; one with only good
values must exit 0 or 1. Simulations run small (PRIVSIM_SIZE=200, PRIVSIM_REPS=1, a 30-day horizon).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT
from tests.fuzz.harness import Verdict, time_limit

NEWSLETTER = str(ROOT / "scenarios" / "newsletter_opt_in.yaml")
OTHER = str(ROOT / "scenarios" / "segmented_personalisation.yaml")
PARAM = "strategy.practices.newsletter.contacts_per_month"
SHORT = ["--set", "horizon_days=30"]

# option -> (good values, bad values)
RUN_OPTIONS: dict[str, tuple[list[str], list[str]]] = {
    "--reps": (["1", "2"], ["0", "-1", "100000000000000000000", "x", "1.5"]),
    "--seed": (["0", "7", "9223372036854775807"], ["-1", "9223372036854775808", "x"]),
    "--workers": (["1", "2"], ["0", "1000000"]),
    "--size": (["150", "200"], ["0", "1000000000000", "abc"]),
    "--executor": (["serial"], ["gpu", ""]),
    "--set": (["economics.discount_rate=0.05"], ["nonsense", "population.size=abc", "strategy.practices.nope.x=1",
                                                  "population.size=[[[[", "horizon_days=.inf", "seed=true"]),
    "--format": (["table", "json"], ["xml"]),
}
COMMANDS: dict[str, tuple[list[str], dict[str, tuple[list[str], list[str]]]]] = {
    "run": (["run", NEWSLETTER, *SHORT], {}),
    "compare": (["compare", NEWSLETTER, OTHER, *SHORT], {}),
    "sweep": (["sweep", NEWSLETTER, *SHORT], {
        "--param": ([f"{PARAM}=1:4:2", f"{PARAM}=[2, 6]"],
                    ["x=1:2", f"{PARAM}=1:8:1000000000", "a", f"{PARAM}=[", f"{PARAM}=1:2:0", f"{PARAM}=1:2:x"]),
        "--design": (["grid"], ["foo"]),
        "--points": (["2"], ["0", "20000"])}),
    "frontier": (["frontier", NEWSLETTER, *SHORT], {
        "--param": ([f"{PARAM}=1:4:2"], [f"{PARAM}=1:4", "p=1"]),
        "--cliff-factor": (["2"], ["0.5", "inf", "nan"])}),
    "sensitivity": (["sensitivity", NEWSLETTER, *SHORT], {
        "--param": (["economics.discount_rate"], ["behavior.nope", "economics"]),
        "--method": (["tornado"], ["sobol"]),
        "--kpi": (["npv"], ["npvv"]),
        "--trajectories": (["2"], ["0", "5000"]),
        "--levels": (["3"], ["1"])}),
    "uncertainty": (["uncertainty", NEWSLETTER, *SHORT], {
        "--param": (["behavior.trust.apology"], ["behavior.nope"])}),
    "test": (["test", NEWSLETTER, *SHORT], {
        "--max-regulator-probability": (["0.5"], ["2", "-1", "nan"]),
        "--max-value-loss": (["1000"], ["inf", "-5"])}),
    "lint": (["lint", NEWSLETTER, "--no-price"], {
        "--fail-on": (["high", "never"], ["severe"]),
        "--jurisdiction": (["us"], ["mars"]),
        "--format": (["json", "sarif"], ["xml"])}),
    "cases_run": (["cases", "run", "facebook_beacon_2007"], {}),
    "cases_show": (["cases", "show"], {"": (["facebook_beacon_2007"], ["nope", "/dev/zero", "."])}),
    "calibrate": (["calibrate", "--check"], {"--only": (["opt_in_cross_context"], ["nope"]),
                                              "--reps": (["1"], ["0"])}),
    "validate": (["validate"], {"": ([NEWSLETTER], ["/dev/null", "nope.yaml"])}),
    "report": (["report"], {"": (["RUN"], ["nope", str(ROOT)])}),
    "scheduler": (["run", NEWSLETTER, *SHORT, "--executor", "dask"], {
        "--scheduler": ([], ["nope", "tcp://host", "http://host:1"])}),
}
NO_RUN_OPTIONS = {"lint", "cases_show", "calibrate", "validate", "report", "scheduler"}
REQUIRED = {"--param", ""}      # given on every command line that has them (with a good or a bad value)


@dataclass
class CommandLine:
    """One generated command line and whether it holds a bad value."""

    name: str
    args: list[str]
    bad: bool


def command_lines(seed: int, n: int) -> list[CommandLine]:
    """``n`` command lines; about two in three carry one or two bad values."""
    rng = random.Random(seed)
    out = []
    names = sorted(COMMANDS)
    while len(out) < n:
        name = names[len(out) % len(names)] if len(out) < len(names) else rng.choice(names)
        base, own = COMMANDS[name]
        options = {**({} if name in NO_RUN_OPTIONS else RUN_OPTIONS), **own}
        if name == "cases_run":
            options.pop("--set")          # a case is replayed as encoded
        args = list(base)
        wanted_bad = rng.random() < 0.65 or not any(good for good, _ in options.values())
        bad_keys = set(rng.sample(sorted(o for o, (_, b) in options.items() if b), k=min(
            rng.choice([1, 1, 2]), len([o for o, (_, b) in options.items() if b])))) if wanted_bad else set()
        bad = False
        for option, (good, wrong) in options.items():
            if option in bad_keys:
                value, bad = rng.choice(wrong), True
            elif (option in REQUIRED and name != "sensitivity") or (good and rng.random() < 0.6):
                if not good:
                    continue
                value = rng.choice(good)
            else:
                continue
            args += [value] if option == "" else [option, value]
        out.append(CommandLine(name, args, bad))
    return out


def judge_command(line: CommandLine, run_folder: Path) -> Verdict:
    """Run one command line in-process; bad values must give exit 2 with a message and no traceback."""
    from typer.testing import CliRunner

    from privsim.cli import core, experiments, tester  # noqa: F401  (registers the commands)
    from privsim.cli.common import app

    cls = f"flags_{line.name}"
    with tempfile.TemporaryDirectory(prefix="privsim-fuzz-flags-") as tmp:
        args = [str(run_folder) if a == "RUN" else a for a in line.args]
        if args[0] in ("run", "compare", "sweep", "frontier", "sensitivity", "uncertainty"):
            args += ["--out", str(Path(tmp) / "out")]
        try:
            with time_limit(120):
                result = CliRunner().invoke(app, args, env={"PRIVSIM_SIZE": "200", "PRIVSIM_REPS": "1"})
        except Exception as exc:
            return Verdict(cls, "hang" if type(exc).__name__ == "HangError" else "crash", f"{args}: {exc!r}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        kind = "memory" if isinstance(result.exception, MemoryError) else "crash"
        return Verdict(cls, kind, f"{args}: {type(result.exception).__name__}: {result.exception}")
    if "Traceback" in result.output:
        return Verdict(cls, "crash", f"{args}: a traceback was printed")
    if line.bad:
        if result.exit_code != 2 or "error" not in result.output.lower():
            return Verdict(cls, "wrongly_accepted", f"{args}: exit {result.exit_code}")
        return Verdict(cls, "refused")
    if result.exit_code not in (0, 1):
        return Verdict(cls, "inconsistent", f"{args}: good values gave exit {result.exit_code}: "
                                            f"{result.output[-300:]}")
    return Verdict(cls, "accepted")
