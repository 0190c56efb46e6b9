"""Property-based fuzzing of ``ldpub build`` on hostile records and hostile settings (#14).

The contract, whatever a cloned project holds: an exit code ldpub documents (0 built, 1 the
data does not conform, 2 an input error), never an unhandled exception (the CLI runs
in-process with exceptions propagating, so a traceback fails the test), the previous output
byte-identical after any failed build, and an answer in bounded time (a hang guard, not a
speed test: speed is measured by benchmarks/run.py).

The records come from a grammar of what curators and attackers write: valid keys of the
project's ontology and unknown ones, slugs with trailing newlines and control characters,
YAML tags, anchors and aliases, line separators, EDTF with exponent years and long sets,
numbers with huge exponents and Unicode digits, deep nesting, and raw text that is barely
YAML. Settings mutate ``ldpub.toml``'s base IRI, language, data prefix and paths.

CI runs a small, fixed set of examples (derandomized). A longer run by hand::

    LDPUB_FUZZ_EXAMPLES=2000 LDPUB_FUZZ_RANDOM=1 .venv/bin/pytest tests/security/test_fuzz_records.py -q
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import invoke_cli

EXAMPLES = int(os.environ.get("LDPUB_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=not os.environ.get("LDPUB_FUZZ_RANDOM"), deadline=None,
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DOCUMENTED_EXIT_CODES = {0, 1, 2}
HANG_GUARD_SECONDS = 120  # far above any real build of this small project, even on a loaded machine

# ------------------------------------------------------------------ the grammar
NASTY_CHARS = ["\n", "\r", "\t", "\x00", "\x0c", "\x1b[31m", "\u2028", "\u2029", "\x85", "\ufeff", "\ufffe",
               "\ud7ff", "٣", "Ⅻ", "'", '"', "\\", "#", ":", "- ", "{", "}", "[", "]", "&a", "*a", "!", "%", "@", "`",
               "|", ">", "?", ",", "<script>", "javascript:", "> ; DROP GRAPH <urn:x", "${x}", "..", "/", "é", "🦜"]
SCALARS = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(NASTY_CHARS) | st.text(max_size=5), max_size=8).map("".join),
    st.sampled_from(["2016", "2019-21", "2019-08/2019-10", "../2000", "2009/..", "Y17E99", "Y1E99999999",
                     "[" + ",".join(str(1000 + i) for i in range(60)) + "]", "{2019..2020}", "2016-02-30",
                     "1e999999999", "1e-99999999", "١٢٣", "0x10", "1_000", "NaN", "-inf", "true", "yes", "~",
                     "null", "", " ", "9" * 400, "2020-02-29T25:00:00", "P1Y2M", "-0", "+1", ".5"]),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
SLUGS = st.one_of(st.sampled_from(["ok-slug", "x\n", "-x", "x-", "X", "a" * 201, "a b", "../x", "", "x\x00",
                                   "chen-wu", "riverside-garden-club"]),
                  st.text(alphabet="abcxyz-019_.\n", min_size=1, max_size=12))


def _records(keys: list[str], types: list[str]):
    key = st.one_of(st.sampled_from(keys), st.sampled_from(["id", "type", "unknownKey", "x:y", "", "&a", "!!str"]),
                    st.text(max_size=8))
    leaf = SCALARS | SLUGS
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(key, inner, max_size=3), max_leaves=8)
    record = st.fixed_dictionaries({"id": SLUGS, "type": st.sampled_from(types) | st.text(max_size=8)},
                                   optional={k: value for k in keys[:6]}).flatmap(
        lambda r: st.dictionaries(key, value, max_size=3).map(lambda extra: {**r, **extra}))
    return st.lists(record, min_size=1, max_size=4)


def _dump(records) -> str:
    return json.dumps(records, ensure_ascii=False, indent=1)  # JSON is YAML: quoted, any character


RAW_YAML = st.lists(st.sampled_from(["- id: x\n", "  type: Organization\n", "  label: ", "!!python/name:os.system ",
                                     "&anchor ", "*anchor", "<<: *anchor\n", "- [", "]\n", "{a: ", "}\n", "\t", "  ",
                                     "---\n", "...\n", "%YAML 1.1\n", "? ", ": ", "|\n  ", ">-\n  ", "\u2028", "\x00",
                                     "'", '"', "\\x41", "#c\n"]) | st.text(max_size=10), max_size=25).map("".join)


# ------------------------------------------------------------------ the project
@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A new project from `ldpub init` (small: each build takes a fraction of a second), built once."""
    root = tmp_path_factory.mktemp("fuzz") / "project"
    assert invoke_cli("init", root)[0] == 0
    code, out, err = invoke_cli("--project", root, "build", "--quiet")
    assert code == 0, out + err
    return root


def _keys_and_types(root: Path) -> tuple[list[str], list[str]]:
    from ldpub.ontology import load_vocabulary

    vocab = load_vocabulary(root / "ontology")
    return sorted(vocab.properties), sorted(vocab.classes)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".ldpub")}


def _build_keeps_the_contract(root: Path) -> None:
    out = root / "dist"
    before = _snapshot(out)
    started = time.monotonic()
    code, stdout, stderr = invoke_cli("--project", root, "build", "--quiet")  # an exception would propagate
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    assert code in DOCUMENTED_EXIT_CODES, (code, stderr[-2000:])
    assert "Traceback" not in stdout + stderr
    if code != 0:
        assert stderr.strip(), "a failed build says why"
        assert _snapshot(out) == before, "a failed build changed the previous output"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".dist.tmp")]
    assert leftovers == []


@FUZZ
@given(data=st.data())
def test_hostile_records_keep_the_contract(project, data):
    keys, types = _keys_and_types(project)
    text = data.draw(st.one_of(_records(keys, types).map(_dump), RAW_YAML), label="records file")
    fuzz = project / "data" / "zz-fuzz.yaml"
    fuzz.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        _build_keeps_the_contract(project)
    finally:
        fuzz.unlink()


SETTINGS = {
    ("project", "base_iri"): st.sampled_from(["https://example.org/id/", "https://example.org/id", "not an iri/",
                                             "https://example.org/id/> ; DROP <x#", "urn:x:", "https://exa mple.org/",
                                             "javascript:alert(1)/", "https://example.org/%zz/"]) | st.text(max_size=20),
    ("project", "language"): st.sampled_from(["en", "EN-gb", "not a tag", "x-private", "", "en_US", "zh-Hant-TW"]),
    ("project", "data_prefix"): st.sampled_from(["d", "a b", "1abc", "a.", "<", "_", "rdf", "xsd", "ex", "é"]),
    ("paths", "data"): st.sampled_from(["data", "../../etc", "/etc", "nope", "", "data/../data"]),
    ("paths", "out"): st.sampled_from(["dist", "../../x", "/tmp", ".", "data", "ontology", "dist/../dist"]),
}


def _toml_value(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


@FUZZ
@given(data=st.data())
def test_hostile_settings_keep_the_contract(project, data):
    config = project / "ldpub.toml"
    original = config.read_text(encoding="utf-8")
    chosen = data.draw(st.lists(st.sampled_from(sorted(SETTINGS)), min_size=1, max_size=3, unique=True), label="keys")
    text = original
    for section, key in chosen:
        value = data.draw(SETTINGS[(section, key)], label=f"{section}.{key}")
        lines, done, current = [], False, None
        for line in text.splitlines():
            if line.startswith("["):
                current = line.strip("[] ")
            if current == section and line.split("=")[0].strip() == key and not done:
                line, done = f"{key} = {_toml_value(value)}", True
            lines.append(line)
        text = "\n".join(lines) + "\n"
    config.write_text(text, encoding="utf-8")
    try:
        dist = project / "dist"
        before = _snapshot(dist)
        started = time.monotonic()
        code, stdout, stderr = invoke_cli("--project", project, "build", "--quiet", "--out", dist)
        assert time.monotonic() - started < HANG_GUARD_SECONDS
        assert code in DOCUMENTED_EXIT_CODES and "Traceback" not in stdout + stderr, (code, stderr[-2000:])
        if code != 0:
            assert stderr.strip() and _snapshot(dist) == before
    finally:
        config.write_text(original, encoding="utf-8")
        shutil.rmtree(project / "dist", ignore_errors=True)
        assert invoke_cli("--project", project, "build", "--quiet")[0] == 0
