"""Seeded synthetic records for the benchmark: a realistic mix in the real record format.

Writes a complete ldpub project (``ldpub.toml``, the repository's ``ontology/`` and ``shapes/``,
and ``data/*.yaml``) whose records use the real ontology's classes the way curators do:
armed groups, states and agencies, persons, places, sources, tenures (positions held), pledges,
meetings (some denied, with the Denial that says who denied them), raids, attacks, deaths,
announcements and estimates. Every statement cites an excerpt of a source and most carry
fuzzy (EDTF) dates, as the article data does. The same seed and size give byte-identical files.
The data is valid: a build of it conforms.

About 10 triples per record: 100k records come to about 1M triples.

Usage::

    python benchmarks/generate.py --records 10000 --out benchmarks/.work/10k
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

__all__ = ["generate", "MIX", "parse_size"]

ROOT = Path(__file__).resolve().parent.parent
RECORDS_PER_FILE = 250

# share of records by kind (sums to 1.0)
MIX = {
    "group": 0.08,
    "person": 0.28,
    "place": 0.03,
    "source": 0.07,
    "tenure": 0.12,
    "pledge": 0.08,
    "meeting": 0.09,
    "denial": 0.02,
    "event": 0.14,
    "estimate": 0.09,
}
GROUP_TYPES = ["ArmedGroup", "ArmedGroup", "Network", "Faction", "Branch", "State", "GovernmentAgency", "MediaOrganization"]
PLACE_TYPES = ["Province", "City", "Region", "Country"]
EVENT_TYPES = ["Attack", "Raid", "Strike", "Death", "Announcement", "Negotiation"]
ROLES = ["leader", "emir", "deputy leader", "spokesman", "liaison", "chief", "official", "courier"]
STATUSES = ["reported"] * 6 + ["confirmed"] * 3 + ["disputed"]
SYLLABLES = ["al", "ba", "din", "far", "gul", "had", "is", "jam", "kar", "lat", "mah", "nur", "qas", "rah", "sa", "ta",
             "um", "wal", "yar", "zar", "hak", "mir", "sher", "zai"]
WORDS = ["reported", "officials", "said", "the", "group", "meeting", "agreement", "fighters", "province", "leaders",
         "according", "to", "sources", "attack", "district", "council", "commander", "alliance", "pledge", "talks",
         "statement", "forces", "border", "network", "members", "months", "after", "before", "local", "senior"]


def parse_size(text: str) -> int:
    """'1k' -> 1000, '100k' -> 100000, '1m' -> 1000000, '2500' -> 2500."""
    text = text.strip().lower()
    scale = {"k": 1000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


class _Gen:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = {kind: max(3, round(n * share)) for kind, share in MIX.items()}
        self.counts["person"] += n - sum(self.counts.values())  # exactly n records
        self.slugs = {kind: [f"{kind}-{i:07d}" for i in range(count)] for kind, count in self.counts.items()}
        # meetings whose status is "denied" are denied by the denial records, one each
        step = max(1, self.counts["meeting"] // self.counts["denial"])
        self.denied = {self.slugs["meeting"][i * step] for i in range(min(self.counts["denial"], self.counts["meeting"]))}
        self.denials = sorted(self.denied)

    # ---------------------------------------------------------------- pieces
    def name(self, words: int = 2) -> str:
        r = self.rng
        return " ".join("".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 3))).capitalize() for _ in range(words))

    def sentence(self, lo: int = 8, hi: int = 20) -> str:
        r = self.rng
        words = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
        return " ".join(words).capitalize() + "."

    def pick(self, kind: str) -> str:
        return self.rng.choice(self.slugs[kind])

    def agent(self) -> str:
        return self.pick("person" if self.rng.random() < 0.6 else "group")

    def year(self) -> int:
        return self.rng.randint(1990, 2024)

    def edtf(self) -> str:
        r, y = self.rng, self.year()
        form = r.random()
        if form < 0.35:
            return f"{y}"
        if form < 0.6:
            return f"{y}-{r.randint(1, 12):02d}"
        if form < 0.8:
            return f"{y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        if form < 0.9:
            return f"{y}-{r.choice([21, 22, 23, 24])}"  # a season
        return f"{y}/{y + r.randint(1, 3)}"

    def quote(self, v: dict) -> None:
        r = self.rng
        v["status"] = r.choice(STATUSES)
        if r.random() < 0.5:
            v["confidence"] = r.choice(["0.5", "0.6", "0.7", "0.8", "0.9"])
        excerpts = []
        for _ in range(1 if r.random() < 0.85 else 2):
            e = {"inSource": self.pick("source"), "quote": self.sentence()}
            if r.random() < 0.4:
                e["paragraph"] = r.randint(1, 60)
            excerpts.append(e)
        v["supportedBy"] = excerpts

    # ---------------------------------------------------------------- records
    def group(self, slug: str) -> dict:
        r = self.rng
        rec = {"id": slug, "type": r.choice(GROUP_TYPES), "label": self.name(2) + " " + r.choice(["Front", "Movement", "Council", "Network", "Brigade"])}
        if r.random() < 0.5:
            rec["altLabel"] = [self.name(1)]
        rec["description"] = self.sentence(6, 14)
        if r.random() < 0.3:
            rec["headquarters"] = self.pick("place")
        return rec

    def person(self, slug: str) -> dict:
        r = self.rng
        rec = {"id": slug, "type": "Person", "label": self.name(2)}
        if r.random() < 0.4:
            rec["altLabel"] = [self.name(1) for _ in range(r.randint(1, 2))]
        if r.random() < 0.5:
            rec["description"] = self.sentence(6, 12)
        return rec

    def place(self, slug: str) -> dict:
        r = self.rng
        rec = {"id": slug, "type": r.choice(PLACE_TYPES), "label": self.name(1)}
        if r.random() < 0.5:
            rec["partOfPlace"] = self.pick("place")
        return rec

    def source(self, slug: str) -> dict:
        r = self.rng
        title = self.sentence(4, 9).rstrip(".")
        rec = {"id": slug, "type": "Source", "label": title, "title": title, "author": self.pick("person"),
               "publisher": self.pick("group"), "publicationDate": self.edtf(),
               "sha256": "".join(r.choice("0123456789abcdef") for _ in range(64))}
        return rec

    def tenure(self, slug: str) -> dict:
        r = self.rng
        start = self.year()
        rec = {"id": slug, "type": "Tenure", "holder": self.pick("person"), "organization": self.pick("group"),
               "role": r.choice(ROLES), "startDate": str(start)}
        if r.random() < 0.6:
            rec["endDate"] = str(start + r.randint(0, 8))
        self.quote(rec)
        return rec

    def pledge(self, slug: str) -> dict:
        r = self.rng
        rec = {"id": slug, "type": "Pledge", "pledger": [self.agent() for _ in range(r.randint(1, 2))],
               "pledgee": self.agent(), "date": self.edtf(), "description": self.sentence(8, 16)}
        if r.random() < 0.5:
            rec["onBehalfOf"] = self.pick("group")
        if r.random() < 0.4:
            rec["publiclyAcknowledged"] = r.choice(["true", "false"])
        self.quote(rec)
        return rec

    def meeting(self, slug: str) -> dict:
        r = self.rng
        rec = {"id": slug, "type": "Meeting", "participant": sorted({self.agent() for _ in range(r.randint(2, 4))} | {self.pick("group")}),
               "date": self.edtf(), "place": self.pick("place"), "description": self.sentence(8, 16)}
        if r.random() < 0.3:
            rec["reportedBy"] = self.pick("group")
        self.quote(rec)
        if slug in self.denied:
            rec["status"] = "denied"
        return rec

    def denial(self, slug: str, index: int) -> dict:
        rec = {"id": slug, "type": "Denial", "denies": self.denials[index % len(self.denials)], "deniedBy": self.pick("person"),
               "reportedBy": self.pick("group"), "date": self.edtf()}
        self.quote(rec)
        return rec

    def event(self, slug: str) -> dict:
        r = self.rng
        kind = r.choice(EVENT_TYPES)
        rec = {"id": slug, "type": kind, "date": self.edtf(), "place": self.pick("place"), "description": self.sentence(8, 18)}
        if kind in ("Attack", "Raid", "Strike"):
            rec["actor"] = [self.pick("group")]
            if r.random() < 0.4:
                rec["killed"] = [self.pick("person")]
        elif kind == "Death":
            rec["deceased"] = self.pick("person")
        elif kind == "Announcement":
            rec["announces"] = self.pick("event")
            rec["actor"] = [self.pick("group")]
        else:
            rec["participant"] = [self.agent(), self.agent()]
        self.quote(rec)
        return rec

    def estimate(self, slug: str) -> dict:
        r = self.rng
        low = r.randint(1, 50) * r.choice([1, 10, 100, 1000])
        rec = {"id": slug, "type": "Estimate", "estimateOf": self.pick("group"),
               "counts": r.choice(["available fighters", "members", "districts under full control", "attacks per month"]),
               "low": low, "unit": r.choice(["persons", "districts", "attacks"]), "asOf": self.edtf()}
        if r.random() < 0.7:
            rec["high"] = low + r.randint(0, 5) * max(1, low // 10)
        self.quote(rec)
        return rec

    def record(self, kind: str, index: int) -> dict:
        slug = self.slugs[kind][index]
        return self.denial(slug, index) if kind == "denial" else getattr(self, kind)(slug)


# ---------------------------------------------------------------- YAML writing (plain, fast, stable)
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.'-]*$")


def _scalar(value) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text in ("true", "false") or text.replace(".", "", 1).isdigit():
        return text
    if _PLAIN.match(text) and not text.endswith(" "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _emit(rec: dict, indent: str, lines: list[str], first_prefix: str) -> None:
    prefix = first_prefix
    for key, value in rec.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{prefix}{key}:")
            for item in value:
                _emit(item, indent + "    ", lines, indent + "  - ")
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{prefix}{key}: {_scalar(value)}")
        prefix = indent


def to_yaml(records: list[dict]) -> str:
    lines: list[str] = []
    for rec in records:
        _emit(rec, "  ", lines, "- ")
        lines.append("")
    return "\n".join(lines)


def generate(n: int, out: Path, seed: int = 8, one_file: bool = False) -> Path:
    """Write a project with ``n`` synthetic records into ``out`` (replacing its data/).

    Records go into files of :data:`RECORDS_PER_FILE`, or all into ``data/all.yaml`` (``one_file``:
    the same records and triples, for measuring one large file)."""
    gen = _Gen(n, seed)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes"):
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, out / folder)
    (out / "ldpub.toml").write_text(
        "# generated by benchmarks/generate.py\n[project]\nname = \"benchmark\"\n"
        "base_iri = \"https://w3id.org/ldpub/benchmark/id/\"\ndata_prefix = \"d\"\nlanguage = \"en\"\n\n"
        "[paths]\nontology = \"ontology\"\nshapes = \"shapes\"\ndata = \"data\"\nqueries = \"queries\"\nout = \"dist\"\n",
        encoding="utf-8",
    )
    if one_file:  # the bounds of [limits] would refuse one file of more than ~100k records
        with open(out / "ldpub.toml", "a", encoding="utf-8") as config:
            config.write("\n[limits]\nmax_file_bytes = 4_294_967_296\nmax_records = 100_000_000\n")
    if (ROOT / "queries").is_dir():
        shutil.rmtree(out / "queries", ignore_errors=True)
        shutil.copytree(ROOT / "queries", out / "queries")
    data = out / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    single = open(data / "all.yaml", "w", encoding="utf-8") if one_file else None
    try:
        for kind, count in gen.counts.items():
            for start in range(0, count, RECORDS_PER_FILE):
                records = [gen.record(kind, i) for i in range(start, min(count, start + RECORDS_PER_FILE))]
                header = f"# {len(records)} synthetic {kind} records (seeded; benchmarks/generate.py)\n"
                if single is not None:
                    single.write(header + to_yaml(records))
                else:
                    (data / f"{kind}-{start // RECORDS_PER_FILE:04d}.yaml").write_text(header + to_yaml(records),
                                                                                       encoding="utf-8")
    finally:
        if single is not None:
            single.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", default="1k", help="how many records: 1k, 10k, 100k or a number")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--one-file", action="store_true", help="all records in one file, data/all.yaml")
    args = parser.parse_args(argv)
    generate(parse_size(args.records), args.out, args.seed, args.one_file)
    print(f"wrote {parse_size(args.records)} records to {args.out}")


if __name__ == "__main__":
    main()
