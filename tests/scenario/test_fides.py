"""Fides data maps in (scenario/fides.py, fidesmap.py): mapping by prefix, unmapped listed, bad input located."""

from __future__ import annotations

import csv
import re
from importlib.resources import files
from pathlib import Path

import pytest

from privsim.errors import InputError
from privsim.scenario import fidesmap, taxonomy
from privsim.scenario.fides import LEGAL_BASES, read_data_map
from privsim.scenario.load import load_scenario, scenario_from_text
from privsim.scenario.schema import Practice
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "fides"
FIDESLANG_SUBJECTS = {"anonymous_user", "citizen_voter", "commuter", "consultant", "customer", "employee",
                      "job_applicant", "next_of_kin", "passenger", "patient", "prospect", "shareholder",
                      "supplier_vendor", "trainee", "visitor"}   # fideslang 3.1.4 default_taxonomy/data_subjects.py


def manifest(tmp_path: Path, *declarations: str, name: str = "map.yml") -> Path:
    """A one-system manifest holding the given declarations (YAML flow mappings)."""
    path = tmp_path / name
    path.write_text("system:\n  - fides_key: crm\n    privacy_declarations:\n"
                    + "".join(f"      - {d}\n" for d in declarations))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_data_map(path)
    return [str(p) for p in exc.value.problems]


# ------------------------------------------------------------------ the tables
@pytest.mark.parametrize("key, expected", [
    ("user.contact.email", "user.contact.email"),          # its own row
    ("user.contact.email.work", "user.contact.email"),     # a custom child takes its parent's row
    ("user.contactx.email", "user"),                       # whole dotted parts only, never characters
    ("custom.loyalty", None),
])
def test_categories_match_by_longest_dotted_prefix(key, expected):
    row = fidesmap.category(key)
    assert (row.key if row else None) == expected


def test_uses_match_by_longest_dotted_prefix_and_carry_their_fields():
    assert fidesmap.purpose("marketing.advertising.third_party.targeted").target == "cross_context_tracking"
    assert fidesmap.purpose("personalize.content.profiling.custom").target == "profiling"
    assert fidesmap.purpose("employment.recruitment").target is None
    assert fidesmap.purpose("improve.system") is None                     # a fideslang 1.x use
    assert fidesmap.use_fields("marketing.advertising.third_party.targeted") == {"recipients": ["ad_partner"]}
    assert fidesmap.use_fields("marketing.communications.email") == {"channel": "email", "contacts_per_month": 4}
    assert fidesmap.use_fields("essential.service") == {}


def test_fides_map_rows_are_valid_practice_fields_of_real_fides_keys():
    uses = fidesmap.table(fidesmap.TAXONOMY_MAP, "use")
    base = {"id": "p", "purpose": "service_delivery", "data": ["contact"], "consent": "none"}
    for key, row in fidesmap.table(fidesmap.FIDES_MAP, "use").items():
        assert key in uses, key
        Practice.model_validate({**base, **row.fields()})
    for basis in (*LEGAL_BASES, None):
        fields = fidesmap.legal_basis_fields(basis)
        assert Practice.model_validate({**base, **fields}).consent == fields["consent"]
    assert set(fidesmap.table(fidesmap.FIDES_MAP, "legal_basis")) == {*LEGAL_BASES, "unstated"}
    subjects = fidesmap.table(fidesmap.FIDES_MAP, "subject")
    assert set(subjects) == FIDESLANG_SUBJECTS
    assert {r.privsim for r in subjects.values()} == {"customers", "none"}
    assert all(r.note for r in subjects.values())


def test_docs_tables_are_the_csv_files():
    text = (ROOT / "docs" / "fides.md").read_text()
    shown = set(re.findall(r"^\| `([^`]+)` \| (?:`([^`]+)`|— \(not mapped\)) \|$", text, re.M))
    rows = list(csv.DictReader((files("privsim") / "data" / "taxonomy_map.csv").open(encoding="utf-8")))
    assert shown == {(r["fides_key"], "" if r["privsim"] == "none" else r["privsim"].removeprefix("NEW:"))
                     for r in rows}
    extra = set(re.findall(r"^\| (\w+) \| `([^`]*)` \| `([^`]*)` \|", text, re.M))
    fides_rows = csv.DictReader((files("privsim") / "data" / "fides_map.csv").open(encoding="utf-8"))
    assert extra == {(r["kind"], r["fides_key"], r["privsim"]) for r in fides_rows}


# ------------------------------------------------------------------ the example map
def test_the_example_map_makes_one_practice_per_customer_declaration():
    m = read_data_map(EXAMPLE)
    assert (m.systems, m.declarations) == (3, 6)
    practices = {p.id: p for p in m.scenario.strategy.practices}
    assert list(practices) == ["ad_platform_retargeting_ads", "ad_platform_audience_insights",
                               "webshop_order_fulfilment", "webshop_newsletter", "support_desk_customer_support"]
    ads = practices["ad_platform_retargeting_ads"]
    assert (ads.purpose, ads.data, ads.consent, ads.legal_basis, ads.recipients) == (
        "cross_context_tracking", ["identifiers", "browsing", "location"], "opt_out", "legitimate_interest",
        ["ad_partner"])
    news = practices["webshop_newsletter"]
    assert (news.purpose, news.data, news.consent, news.channel) == ("marketing_email", ["contact", "purchase_history"],
                                                                     "opt_in", "email")
    assert practices["ad_platform_audience_insights"].consent == "notice_only"      # no legal basis stated
    assert practices["webshop_order_fulfilment"].data == ["contact", "financial"]   # name, address, e-mail merged
    assert all(c in taxonomy.CATEGORIES for p in practices.values() for c in p.data)


def test_unmapped_keys_are_listed_with_file_and_line():
    warnings = [str(w) for w in read_data_map(EXAMPLE).warnings]
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{EXAMPLE}/ads.yml:16: system[0].privacy_declarations[1].data_categories[2]: "
                                  "'user.derived.identifiable.location' is not mapped")
    assert warnings[1].startswith(f"{EXAMPLE}/shop.yml:31: system[1].privacy_declarations[1].data_use: "
                                  "'employment' is not mapped")


def test_the_written_text_is_the_validated_scenario_and_names_its_sources(tmp_path):
    m = read_data_map(EXAMPLE)
    out = tmp_path / "s.yaml"
    out.write_text(m.text)
    assert load_scenario(out) == m.scenario == scenario_from_text(m.text)
    assert m.text.startswith("# written by privsim import fides")
    assert f"#   {EXAMPLE}/shop.yml:31:" in m.text                                 # the header lists what is unmapped
    assert f"# {EXAMPLE}/ads.yml:8: system ad_platform, declaration 'Retargeting ads'" in m.text


def test_fields_locate_at_the_declaration_lines():
    m = read_data_map(EXAMPLE)
    ads = str(EXAMPLE / "ads.yml")
    assert m.locate(("strategy", "practices", 0)) == (ads, 8)                      # the declaration
    assert m.locate(("strategy", "practices", 0, "purpose")) == (ads, 10)          # its data_use line
    assert m.locate(("strategy", "practices", 0, "data", 2)) == (ads, 9)
    assert m.locate(("strategy", "practices", 0, "consent")) == (ads, 12)          # legal_basis_for_processing
    assert m.locate(("strategy", "practices", 1, "consent")) == (ads, 15)          # not stated: the declaration
    assert m.locate(("strategy", "practices", 1, "ui_patterns")) == (ads, 15)
    assert m.locate(("strategy", "controls", "retention_days")) == (ads, 3)        # the first system
    assert m.locate(("strategy", "practices", 3, "channel")) == (str(EXAMPLE / "shop.yml"), 15)


# ------------------------------------------------------------------ declarations that make no practice, warnings
def test_declarations_that_map_to_nothing_are_listed_and_make_no_practice(tmp_path):
    path = manifest(tmp_path,
                    "{name: Loyalty, data_categories: [custom.loyalty, user.contact], data_use: sales}",
                    "{name: Payroll, data_categories: [user.financial], data_use: functional, "
                    "data_subjects: [employee]}",
                    "{data_categories: [system.operations], data_use: functional}",
                    "{data_categories: [user.contact], data_use: improve.system}",
                    "{name: Members, data_categories: [user.contact], data_use: sales, data_subjects: [member, "
                    "employee], legal_basis_for_procesing: Consent}")
    m = read_data_map(path)
    assert [p.id for p in m.scenario.strategy.practices] == ["crm_loyalty", "crm_members"]
    assert m.scenario.strategy.practices[0].data == ["contact"]
    text = "\n".join(str(w) for w in m.warnings)
    for expected in (":4: system[0].privacy_declarations[0].data_categories[0]: 'custom.loyalty' is not mapped",
                     ":5: system[0].privacy_declarations[1].data_subjects: employee: privsim models customers only",
                     ":6: system[0].privacy_declarations[2].data_categories: no data category maps",
                     ":7: system[0].privacy_declarations[3].data_use: 'improve.system' is not mapped",
                     ":8: system[0].privacy_declarations[4].data_subjects[0]: 'member' is not a default Fides data "
                     "subject; read as customers",
                     ":8: system[0].privacy_declarations[4].data_subjects: employee: not modelled",
                     "legal_basis_for_procesing: 'legal_basis_for_procesing' is not a fideslang privacy-declaration "
                     "field (did you mean 'legal_basis_for_processing'?)"):
        assert expected in text, expected
    assert len(m.warnings) == 8          # also system.operations: not about a person


def test_colliding_ids_are_numbered(tmp_path):
    path = manifest(tmp_path, *["{name: Ads!, data_categories: [user.contact], data_use: marketing}"] * 3)
    assert [p.id for p in read_data_map(path).scenario.strategy.practices] == ["crm_ads", "crm_ads_2", "crm_ads_3"]


def test_jurisdictions_are_written_and_checked(tmp_path):
    path = manifest(tmp_path, "{data_categories: [user.contact], data_use: essential.service}")
    assert read_data_map(path, ["us", "us_ca"]).scenario.jurisdictions == ["us", "us_ca"]
    with pytest.raises(InputError, match="--jurisdiction: got 'mars'"):
        read_data_map(path, ["mars"])


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("declaration, expected", [
    ("{data_categories: user.contact, data_use: sales}",
     ":4: system[0].privacy_declarations[0].data_categories: got 'user.contact'; allowed: a non-empty list"),
    ("{data_categories: [], data_use: sales}", ":4: system[0].privacy_declarations[0].data_categories: got []"),
    ("{data_categories: [user.contact]}",
     ":4: system[0].privacy_declarations[0].data_use: missing required field; allowed: one Fides data use key"),
    ("{data_categories: [user.contact], data_use: sales, data_subjects: customer}",
     ":4: system[0].privacy_declarations[0].data_subjects: got 'customer'; allowed: a list"),
    ("{data_categories: [user.contact], data_use: sales, legal_basis_for_processing: consent}",
     ":4: system[0].privacy_declarations[0].legal_basis_for_processing: got 'consent' (did you mean 'Consent'?)"
     "; allowed: Consent, Contract"),
    ("{data_categories: [user.contact], data_use: sales, data_shared_with_third_parties: maybe}",
     ":4: system[0].privacy_declarations[0].data_shared_with_third_parties: got 'maybe'; allowed: true or false"),
    ("just a string", ":4: system[0].privacy_declarations[0]: got 'just a string'; allowed: a privacy declaration"),
])
def test_a_bad_declaration_is_located(tmp_path, declaration, expected):
    path = manifest(tmp_path, declaration)
    assert any(p.startswith(f"{path}{expected}") for p in problems(path)), problems(path)


@pytest.mark.parametrize("text, expected", [
    ("system:\n  - name: CRM\n    privacy_declarations: []\n", ":2: system[0].fides_key: missing required field"),
    ("system: crm\n", ":1: system: got 'crm'; allowed: a list of systems"),
    ("system: []\nsystems: []\n", ":2: systems: unknown key 'systems' (did you mean 'system'?)"),
    ("system:\n  - fides_key: crm\n    privacy_declarations: {a: 1}\n",
     ":3: system[0].privacy_declarations: got {'a': 1}; allowed: a list"),
    ("strategy: {}\n", ":1: not a Fides data map"),
    ("system: [\n", ":2: malformed YAML"),
    ("system: &a [*a]\n", ":1: unknown alias *a"),
    ("dataset:\n  - fides_key: orders\n", ": no privacy declaration maps to a practice (0 read)"),
])
def test_a_bad_manifest_is_located(tmp_path, text, expected):
    path = tmp_path / "map.yml"
    path.write_text(text)
    assert any(p.startswith(f"{path}{expected}") for p in problems(path)), problems(path)


def test_a_folder_needs_manifests_and_each_is_checked(tmp_path):
    assert problems(tmp_path) == [f"{tmp_path}: holds no .yml or .yaml file; allowed: a Fides manifest or a folder "
                                  "of them"]
    manifest(tmp_path, "{data_categories: [user.contact], data_use: sales}", name="a.yml")
    (tmp_path / "b.yaml").write_text("population: {}\n")
    assert problems(tmp_path) == [f"{tmp_path}/b.yaml:1: not a Fides data map; allowed: a manifest with a "
                                  "top-level 'system:' (or 'dataset:') list"]


def test_too_many_declarations_for_one_scenario(tmp_path):
    path = manifest(tmp_path, *["{data_categories: [user.contact], data_use: sales}"] * 65)
    assert problems(path) == [f"{path}: 65 declarations make 65 practices; allowed: at most 64 (lint the map one "
                              "file or system at a time)"]
