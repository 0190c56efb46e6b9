"""A large records file is composed a part at a time, with the same records and problems as a whole.

YAML's node tree of a whole file takes ~25 times the file's size; ``ldpub.records`` composes a
large file a part at a time, cut before lines starting with ``- ``. Whatever the text (records
with problems, quoted values holding ``\\n- ``, block scalars, anchors and aliases, comments, CR LF,
tags, nesting), the records, their positions and the problems are those of reading the whole
file; a text that cannot be read in parts is read whole.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldpub import records
from ldpub.errors import RecordError

records._YAML = __import__("yaml")  # what the first _parse sets


def _outcome(parse):
    """What reading gives, comparable: the records (parent links dropped) and problems, or the error's problems."""
    try:
        found, problems = parse()
    except RecordError as exc:
        return "refused", [str(p) for p in exc.problems]
    records.release(found)
    return pickle.dumps(found), [str(p) for p in problems]


def _whole(text: str):
    return _outcome(lambda: _read_whole(text))


def _read_whole(text: str):
    saved, records.PART_CHARS = records.PART_CHARS, len(text) + 1
    try:
        return records._parse(text, "data/big.yaml")
    finally:
        records.PART_CHARS = saved


_words = st.sampled_from(["alpha", "beta gamma", "x: y", "- z", "#no comment", "'quoted'", "", "null", "ünï", "a\tb"])


@st.composite
def _value(draw) -> str:
    kind = draw(st.sampled_from(["plain", "quoted", "multiline-quoted", "block", "list", "nested", "alias", "tagged"]))
    word = draw(_words)
    if kind == "plain":
        return " " + draw(st.sampled_from(["ada", "org-1", "1842", "true", "~", "long text here"]))
    if kind == "quoted":
        return ' "' + word.replace('"', "") + '"'
    if kind == "multiline-quoted":  # a value whose second line starts with "- ": a cut there is refused
        return ' "first line\n- second line"'
    if kind == "block":
        return " |\n    " + word.replace("\t", " ") + "\n    - not an item\n"
    if kind == "list":
        return " [" + ", ".join(draw(st.lists(st.sampled_from(["a", "b", "'c'"]), max_size=3))) + "]"
    if kind == "nested":
        return "\n    - quote: " + draw(st.sampled_from(["q", "'q'"])) + "\n      inSource: src-1"
    if kind == "alias":
        return " *anchor" + draw(st.sampled_from(["", "1"]))
    return " !custom value"


@st.composite
def _record(draw, index: int) -> str:
    lines = []
    if draw(st.booleans()) or index == 0:
        slug = draw(st.sampled_from([f"rec-{index}", "rec-0", "Bad Slug", f"rec-{index}"]))
        lines.append(f"id: {slug}")
    if draw(st.integers(0, 9)):
        lines.append("type: " + draw(st.sampled_from(["Person", "Organization", "[Person, Agent]"])))
    if draw(st.integers(0, 5)) == 0:
        lines.append("label: &anchor" + draw(st.sampled_from(["", "1"])) + " anchored")
    for key in draw(st.lists(st.sampled_from(["label", "description", "member", "during", "label"]), max_size=4)):
        lines.append(key + ":" + draw(_value()))
    body = "\n".join(lines) if lines else "{}"
    head = "- " + body.replace("\n", "\n  ")
    comment = draw(st.sampled_from(["", "# a comment\n", "\n"]))
    return comment + head + "\n"


@st.composite
def _file(draw) -> str:
    count = draw(st.integers(1, 12))
    text = "".join(draw(_record(i)) for i in range(count))
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    return draw(st.sampled_from(["", "# records\n", "\ufeff"])) + text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_file(), size=st.integers(1, 200))
def test_reading_in_parts_gives_what_reading_the_whole_file_gives(text, size):
    in_parts = records._parse_in_parts(text, "data/big.yaml", size)
    if in_parts is None:  # read whole instead
        return
    assert _outcome(lambda: in_parts) == _whole(text)


def test_problems_in_later_parts_are_placed_as_in_the_whole_file():
    text = "".join(f"- id: rec-{i}\n  type: Person\n" for i in range(300)) + \
        "- type: Person\n  label: no id\n- id: x\n  label: a\n  label: b\n- id: y\n  type: !custom Person\n"
    parts = records._parse_in_parts(text, "data/big.yaml", 500)
    assert parts is not None
    assert [str(p) for p in parts[1]] == _whole(text)[1]
    assert [(p.location.line, p.rule) for p in parts[1]] == [(601, "missing-id"), (605, "duplicate-key"), (603, "missing-type"),
                                                              (607, "yaml-tag"), (606, "missing-type")]


def test_a_large_ordinary_file_is_read_in_parts_with_the_positions_of_the_whole_file():
    text = "# people\n" + "".join(f"- id: person-{i}\n  type: Person\n  label: \"Person\n    {i}\"\n\n"
                                  for i in range(2000))
    parts = records._parse_in_parts(text, "data/big.yaml", 1000)
    assert parts is not None, "an ordinary file is read in parts"
    found, problems = parts
    assert not problems and len(found) == 2000
    last = found[-1]
    assert (last.slug, last.line, last.key_lines["label"]) == ("person-1999", 2 + 5 * 1999, 4 + 5 * 1999)
    assert last.fields["label"][0].line == 4 + 5 * 1999
    assert _outcome(lambda: parts) == _whole(text)


@pytest.mark.parametrize("text", [
    "- id: a\n  label: &one x\n" + "- id: b\n  label: y\n" * 30 + "- id: c\n  label: *one\n",  # alias to another part
    "- id: a\n" * 40 + "---\n- id: b\n",  # a second document
    "- id: a\n  label: \"x\n- y\"\n" * 40,  # a quoted value with a line starting with "- "
    "- id: a\n  label: x\u2028y\n" * 40,  # a break only YAML counts
])
def test_texts_that_cannot_be_cut_are_read_whole(text):
    got = records._parse_in_parts(text, "data/big.yaml", 30)
    assert got is None or _outcome(lambda: got) == _whole(text)
    saved = records.PART_CHARS
    records.PART_CHARS = 30
    try:
        assert _outcome(lambda: records._parse(text, "data/big.yaml")) == _whole(text)
    finally:
        records.PART_CHARS = saved
