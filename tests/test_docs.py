"""Documentation that cannot rot: every coefficient is documented with its current default."""

from pydantic import BaseModel

from privsim.model.engine import STEP_ORDER
from privsim.scenario.coefficients import Behavior
from tests.conftest import ROOT

MODEL = (ROOT / "docs" / "model.md").read_text()


def rows(model: BaseModel, prefix: str):
    """The §16 table row of every coefficient: path, default, plausible range, source."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from rows(value, f"{prefix}{name}.")
            continue
        shown = f"{value:g}" if isinstance(value, float) else value
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        span = f"{extra['range'][0]:g} – {extra['range'][1]:g}" if "range" in extra else "–"
        yield f"| `{prefix}{name}` | {shown} | {span} | {field.description} |"


def test_model_doc_lists_every_coefficient_with_its_default_range_and_source():
    for row in rows(Behavior(), "behavior."):
        assert row in MODEL, row


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


def test_model_doc_lists_every_rule_with_its_dates_and_source():
    from privsim.scenario import law

    for r in law.RULES:
        until = f"{r.end}" if r.end else "in force"
        assert f"| `{r.id}` | {r.kind} |" in MODEL and f"| {r.start} – {until} | {r.source} |" in MODEL, r.id


def test_the_upload_limit_is_one_constant_that_the_server_config_and_the_docs_agree_with():
    import tomllib

    from privsim.dashboard import imports, workspace

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    mb = 1024 * 1024
    assert config["server"]["maxUploadSize"] == imports.EXPORT_MB            # the largest upload: an export
    assert imports.EXPORT_MB * mb == imports.EXPORT_MAX                      # Streamlit counts whole MB
    assert (workspace.UPLOAD_MB - 1) * mb < workspace.MAX_UPLOAD <= workspace.UPLOAD_MB * mb
    assert config["client"]["toolbarMode"] in ("minimal", "viewer")          # no Deploy button
    docs = " ".join((ROOT / "docs" / "dashboard.md").read_text().split())
    assert f"limited to {workspace.MAX_UPLOAD // 1024} KB" in docs
    assert f"`maxUploadSize = {imports.EXPORT_MB}`" in docs
    assert f"up to {imports.EXPORT_MB} MB" in docs


def test_dashboard_links_in_the_docs_open_real_pages():
    import re

    main = (ROOT / "src" / "privsim" / "dashboard" / "main.py").read_text()
    pages = {path for path, default in re.findall(r'url_path="(\w+)"(,\s*default=True)?', main) if not default}
    assert len(pages) == 7, pages                    # the default page is at /, whatever its url_path says
    for doc in DOCS_WITH_LINKS:
        text = (ROOT / doc).read_text()
        for path in re.findall(r"127\.0\.0\.1:8501/(\w*)", text):
            assert path == "" or path in pages, (doc, path)


DOCS_WITH_LINKS = ["README.md", *(p.relative_to(ROOT) for p in sorted((ROOT / "docs").glob("*.md")))]


def test_make_run_installs_the_runtime_and_kernels_only_and_both_targets_say_how_privsim_gets_on_path():
    import subprocess

    def dry(target: str) -> str:
        return subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              check=True).stdout

    run, test = dry("run"), dry("test")
    assert 'pip install --quiet --disable-pip-version-check -e ".[fast]"\n' in run and "[dev]" not in run
    assert '-e ".[dev]"' in test
    for out in (run, test):
        assert "source .venv/bin/activate" in out and ".venv/bin/privsim" in out
    readme = (ROOT / "README.md").read_text()
    assert "source .venv/bin/activate" in readme and ".venv/bin/privsim" in readme
