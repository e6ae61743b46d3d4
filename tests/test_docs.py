"""Documentation that cannot rot: every coefficient is documented with its current default."""

from pydantic import BaseModel

from privsim.model.engine import STEP_ORDER
from privsim.scenario.coefficients import Behavior
from tests.conftest import ROOT

MODEL = (ROOT / "docs" / "model.md").read_text()


def leaves(model: BaseModel, prefix: str):
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from leaves(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def test_model_doc_lists_every_coefficient_with_its_default():
    for path, value in leaves(Behavior(), "behavior."):
        shown = value if not isinstance(value, float) else f"{value:g}"
        assert f"| `{path}` | {shown} |" in MODEL, path


def test_model_doc_follows_the_step_order_and_names_each_stage_function():
    positions = [MODEL.index(f"| {stage.name} |") for stage in STEP_ORDER]
    assert positions == sorted(positions)
    for stage in STEP_ORDER:
        module = stage.run.__module__.removeprefix("privsim.").replace(".", "/")
        assert f"| {stage.name} | `{module}.py` `{stage.run.__name__}` |" in MODEL, stage.name


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.index("## Quickstart")
    assert readme.index("make run") > quick and readme.index("make test") > quick
    assert readme.index("make run") < readme.index("make test") < readme.index("##", quick + 3)


def test_scenario_doc_example_is_a_valid_scenario():
    import re

    from privsim.scenario.load import scenario_from_text

    text = (ROOT / "docs" / "scenario.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    s = scenario_from_text(example, "docs/scenario.md")
    assert s.population.represents == 10 and s.events[0].type == "policy_change"
