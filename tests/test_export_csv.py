"""`ldpub export ucdp|acled|relations`: CSV in the layouts of UCDP GED, ACLED and Mapping Militants,
read back by pandas and (where Debian's R is installed) by R's readr, for the article's data and a
generated 10k-record project."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
D = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
LAYOUT_WIDTH = {"ucdp": 49, "acled": 31, "relations": 6}


@pytest.fixture(scope="module")
def article_exports(built):
    from ldpub.export import export

    build = built[0]
    return {name: export(build, name) for name in LAYOUT_WIDTH} | {
        name + "-layout": export(build, name, only_layout=True) for name in LAYOUT_WIDTH}


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory):
    """A generated 10k-record project (benchmarks/generate.py), built."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project

    project = generate(10_000, tmp_path_factory.mktemp("gen10k"))
    build = compile_project(load_project(project))
    assert build.report.conforms
    return build


@pytest.fixture(scope="module")
def generated_exports(generated_build):
    """The CSVs of the generated 10k-record project."""
    from ldpub.export import export

    return {name: export(generated_build, name) for name in LAYOUT_WIDTH}


def frame(data: bytes):
    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_the_layouts_have_the_codebooks_columns_in_order(article_exports):
    from ldpub.export.acled import COLUMNS as ACLED
    from ldpub.export.ucdp import COLUMNS as UCDP

    assert list(frame(article_exports["ucdp-layout"]).columns) == UCDP and len(UCDP) == 49
    assert UCDP[:6] == ["id", "relid", "year", "active_year", "code_status", "type_of_violence"]
    assert UCDP[-9:] == ["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob"]
    assert list(frame(article_exports["acled-layout"]).columns) == ACLED and ACLED[4:7] == ["disorder_type", "event_type", "sub_event_type"]
    assert list(frame(article_exports["relations-layout"]).columns) == ["id", "group1", "group2", "type", "date", "description"]
    full = frame(article_exports["ucdp"])
    assert list(full.columns)[49:] == ["ldpub_iri", "ldpub_label", "ldpub_status", "ldpub_credibility", "ldpub_reliability",
                                       "ldpub_qualifier"]


def test_ucdp_rows_are_the_coded_events_with_nothing_guessed(article_exports):
    rows = {r["ldpub_iri"][len(D):]: r for r in frame(article_exports["ucdp"]).to_dict("records")}
    assert set(rows) == {"raid-helmand-2019-09", "us-strikes-al-qaeda-camps-1998", "operations-against-iskp-nangarhar-2019"}
    raid = rows["raid-helmand-2019-09"]
    assert (raid["type_of_violence"], raid["side_a"], raid["where_coordinates"]) == ("1", "Afghan government; United States", "Helmand")
    assert (raid["year"], raid["date_start"], raid["date_end"]) == ("2019", "2019-09-01", "2019-09-30")
    # no number in the source: no best, low or high, no deaths per side (the counts stay in the data)
    assert all(raid[c] == "" for c in ("best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
    assert all(raid[c] == "" for c in ("id", "relid", "conflict_new_id", "latitude", "longitude", "date_prec", "where_prec"))
    assert raid["side_b"] == ""  # the target is a compound, not a party
    assert (raid["number_of_sources"], raid["source_date"]) == ("1", "2020")
    strikes = rows["us-strikes-al-qaeda-camps-1998"]
    assert (strikes["year"], strikes["date_start"], strikes["date_end"]) == ("", "1998-01-01", "")  # "after 1998": open end
    operations = rows["operations-against-iskp-nangarhar-2019"]
    assert (operations["type_of_violence"], operations["source_original"], operations["ldpub_qualifier"]) == (
        "2", "al-Qaeda in the Indian Subcontinent", "claimed")


def test_acled_rows_carry_types_only_where_a_mapping_or_code_says_so(article_exports):
    rows = {r["ldpub_iri"][len(D):]: r for r in frame(article_exports["acled"]).to_dict("records")}
    strikes = rows["us-strikes-al-qaeda-camps-1998"]
    assert (strikes["disorder_type"], strikes["event_type"], strikes["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack")
    raid = rows["raid-helmand-2019-09"]
    assert (raid["disorder_type"], raid["event_type"], raid["sub_event_type"]) == ("Political violence", "", "")
    assert (raid["event_date"], raid["time_precision"], raid["year"]) == ("", "3", "2019")  # a month: ACLED's code 3
    assert rows["september-11-attacks"]["event_date"] == "2001-09-11" and rows["september-11-attacks"]["time_precision"] == "1"
    assert raid["fatalities"] == "" and raid["inter1"] == "" and raid["interaction"] == ""
    assert "meeting-helmand-spring-2019" not in rows  # related, not a match: meetings are not ACLED events


def test_relations_use_mapping_militants_codes_and_keep_mutual_relations_undirected(article_exports):
    rows = frame(article_exports["relations"]).to_dict("records")
    by_id = {r["id"]: r for r in rows}
    assert (by_id["alliance-taliban-al-qaeda"]["type"], by_id["alliance-taliban-al-qaeda"]["group1"],
            by_id["alliance-taliban-al-qaeda"]["group2"]) == ("all", "al-qaeda", "taliban")  # parties in IRI order
    assert by_id["affiliation-aqis-al-qaeda"]["type"] == "aff" and by_id["split-hizb-e-vilayat-e-islami-taliban"]["type"] == "spl"
    assert {r["type"] for r in rows} == {"aff", "all", "riv", "spl"}
    # not Mapping Militants' kinds: support, tension, close ties, parts of a group
    assert not any(i.startswith(("support-", "tension-", "close-ties-", "part-")) for i in by_id)


def test_exports_are_byte_identical_run_to_run(built, article_exports):
    from ldpub.export import export

    assert all(export(built[0], name) == article_exports[name] for name in LAYOUT_WIDTH)


@pytest.mark.parametrize("name", sorted(LAYOUT_WIDTH))
def test_pandas_reads_the_generated_10k_projects_export(generated_exports, name):
    import pandas as pd

    data = generated_exports[name]
    typed = pd.read_csv(io.BytesIO(data))
    assert len(typed.columns) == LAYOUT_WIDTH[name] + (4 if name == "relations" else 0) + 6
    if name == "ucdp":
        assert typed.empty or str(typed["type_of_violence"].dtype) in ("int64", "float64")
    if name == "acled":
        assert len(typed) > 500  # the generated raids, attacks and strikes are political violence
        assert set(typed["disorder_type"]) == {"Political violence"}
        assert str(typed["fatalities"].dtype) == "float64"  # empty numbers read as NaN, not as text


@pytest.fixture(scope="module")
def generated_acled_rows(generated_build, generated_exports) -> list[tuple[dict, dict]]:
    """(record as its YAML says, ACLED row) for every row of the generated project's ACLED export
    (PyYAML reads the 10k records once for the tests below: 6 s of CPU)."""
    import yaml

    records = {}
    for path in sorted((generated_build.project.root / "data").glob("*.yaml")):
        records.update({r["id"]: r for r in yaml.safe_load(path.read_text(encoding="utf-8")) or []})
    return [(records[row["ldpub_iri"].rsplit("/", 1)[1]], row) for row in frame(generated_exports["acled"]).to_dict("records")]


WINTER = re.compile(r"\d{4}-24")  # EDTF season 24


def test_the_generated_projects_acled_rows_say_only_what_its_records_say(generated_acled_rows):
    """Each filled cell traced back to the record's YAML, read here with PyYAML and regular expressions
    (not ldpub's EDTF code): a day gives event_date and precision 1, a month precision 3 only, a
    season no precision, one calendar year the year; no count, no fatalities; no target, no actor2.
    Winters are the next test's (the edtf library narrows them to December)."""
    pairs = generated_acled_rows
    assert len(pairs) > 500
    wrong = []
    for record, row in pairs:
        date = str(record.get("date", ""))
        if WINTER.fullmatch(date):
            continue
        day, month = re.fullmatch(r"\d{4}-\d\d-\d\d", date), re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", date)
        years = set(re.findall(r"\d{4}", date))
        expected = {
            "event_date": date if day else "",
            "time_precision": "1" if day else "3" if month else "",
            "year": next(iter(years)) if len(years) == 1 and ".." not in date else "",
            "fatalities": "",  # the generated events carry no counts
            "actor2": "",  # nor targets
            "event_type": "", "sub_event_type": "",  # nor codebook codes: a Raid or a Strike is not one ACLED type
            "ldpub_credibility": str(record.get("credibility", "")),
        }
        wrong += [f"{record['id']} ({date}): {col} is {row[col]!r}, the record gives {want!r}"
                  for col, want in expected.items() if row[col] != want]
        if not row["actor1"] or len(row["actor1"].split("; ")) != len(record.get("actor", [])):
            wrong.append(f"{record['id']}: actor1 {row['actor1']!r} for actors {record.get('actor')}")
    assert not wrong, "\n".join(wrong[:20])


def test_a_winter_is_not_exported_as_a_month(generated_acled_rows):
    winters = [(record, row) for record, row in generated_acled_rows if WINTER.fullmatch(str(record.get("date", "")))]
    assert winters, "the generated project has winter dates"
    assert all(row["time_precision"] == "" for _, row in winters), "a season has no ACLED time precision"


R_SCRIPT = """
suppressMessages(library(readr))
for (path in commandArgs(trailingOnly = TRUE)) {
  d <- read_csv(path, show_col_types = FALSE, progress = FALSE)
  p <- problems(d)
  cat(basename(path), nrow(d), ncol(d), nrow(p), "\\n")
}
"""


def test_r_readr_reads_every_export_without_problems(article_exports, generated_exports, tmp_path):
    rscript = shutil.which("Rscript")
    if rscript is None or subprocess.run([rscript, "-e", "library(readr)"], capture_output=True).returncode != 0:
        pytest.skip("R's readr is not installed (Debian: apt-get install r-base-core r-cran-readr)")
    paths = []
    for label, exports in (("article", article_exports), ("generated", generated_exports)):
        for name in LAYOUT_WIDTH:
            path = tmp_path / f"{label}-{name}.csv"
            path.write_bytes(exports[name])
            paths.append(path)
    script = tmp_path / "read.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    result = subprocess.run([rscript, str(script), *map(str, paths)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        name, rows, columns, problems = line.split()
        assert problems == "0", line
        assert int(columns) >= 6, line


def test_the_cli_writes_an_export_file_and_refuses_an_unknown_format(run_cli, tmp_path):
    out = tmp_path / "ged.csv"
    code, _, err = run_cli("--project", str(ROOT), "export", "ucdp", "-o", str(out))
    assert code == 0 and "wrote" in err
    assert out.read_text(encoding="utf-8").startswith("id,relid,year,")
    code, _, err = run_cli("--project", str(ROOT), "export", "gdelt")
    assert code == 2 and "'gdelt' is not one of" in err
