"""No word of the repository's example domain (armed groups) in ldpub's source (issue #13).

What pages, excerpts, the network, the timeline and the catalog know about a domain comes from
the project's ontology (ldpub.profile), so ``src/`` names no term, example or text of the
armed-groups dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

#: Words and names of the armed-groups example (case-insensitive); ``ag:`` is its prefix.
DOMAIN_WORDS = re.compile(
    r"armed[- ]groups?|pledg|allegiance|taliban|qaeda|zawahiri|akhundzada|haqqani|jihad|bay'ah|(?<![\w-])ag:",
    re.IGNORECASE)

def source_files() -> list[Path]:
    """Every text file of src/ (the generated *.egg-info excluded: it copies the README)."""
    return sorted(p for p in SRC.rglob("*") if p.is_file() and ".egg-info" not in p.as_posix()
                  and "__pycache__" not in p.parts and p.suffix not in (".pyc",))


def domain_hits(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    return [f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
            for n, line in enumerate(text.splitlines(), start=1) if DOMAIN_WORDS.search(line)]


def test_no_armed_groups_namespace_in_src():
    """The check of the issue: ``grep -rn "armed-groups" src/`` finds nothing."""
    hits = [f"{p.relative_to(ROOT)}" for p in source_files() if "armed-groups" in p.read_bytes().decode("utf-8", "replace")]
    assert hits == []


def test_no_domain_word_in_src():
    hits = [hit for p in source_files() for hit in domain_hits(p)]
    assert hits == [], "domain words in src/:\n" + "\n".join(hits)


def test_the_word_list_finds_the_example_domain(repo_root):
    """The check is not vacuous: the example project's ontology is full of these words."""
    assert domain_hits(repo_root / "ontology" / "armed-groups.ttl")
    assert not DOMAIN_WORDS.search("tag:yaml.org,2002:str flag: managed")
