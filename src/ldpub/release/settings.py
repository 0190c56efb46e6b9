"""Release settings: the ``[publish]`` table of ``ldpub.toml``, checked before anything is written.

Mandatory: ``base_url``, ``description``, ``publisher``, ``contact_email``, ``license`` and a
release date (``issued``, or the ``SOURCE_DATE_EPOCH`` environment variable). Everything else
has a documented default. Missing settings are reported together, as one error naming the file
and what to add.

Timestamps never come from the clock: ``issued``/``modified`` from the table win, then
``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC), so the same input and version give
byte-identical releases.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..config import CONFIG_FILE, Project
from ..errors import ConfigError, Location, Problem

__all__ = ["Concept", "PublishSettings", "load_publish_settings", "EU_LANGUAGES"]

# ISO 639-1 -> the EU Publications Office language authority table (dct:language of DCAT-AP)
EU_LANGUAGES = {
    "ar": "ARA", "de": "DEU", "en": "ENG", "es": "SPA", "fa": "FAS", "fr": "FRA", "it": "ITA",
    "nl": "NLD", "pl": "POL", "ps": "PUS", "pt": "POR", "ru": "RUS", "ur": "URD",
}
EU_LANGUAGE_NS = "http://publications.europa.eu/resource/authority/language/"

_EXAMPLES = {
    "base_url": 'base_url = "https://example.org/releases/"   # releases are served under BASE_URL/VERSION/',
    "description": 'description = "What the dataset is about, in one or two sentences."',
    "publisher": 'publisher = "Name of the publishing organisation"',
    "contact_email": 'contact_email = "data@example.org"',
    "license": 'license = "https://creativecommons.org/licenses/by/4.0/"',
    "issued": "issued = 2024-01-31   # or set SOURCE_DATE_EPOCH",
}


@dataclass(frozen=True)
class Concept:
    """An IRI with a label, e.g. a theme or a place of the EU authority tables."""

    iri: str
    label: str


@dataclass(frozen=True)
class PublishSettings:
    """Everything a release needs besides the data, from ``[publish]``."""

    base_url: str
    title: str
    description: str
    publisher: str
    contact_email: str
    license: str
    issued: dt.date
    modified: dt.date
    timestamp: dt.datetime  # when the build activity ended (PROV)
    contact_name: str = ""
    publisher_url: str | None = None
    homepage: str | None = None
    license_title: str = ""
    rights: str = ""
    keywords: tuple[str, ...] = ()
    themes: tuple[Concept, ...] = ()
    spatial: tuple[Concept, ...] = ()
    language: str = "en"
    sparql_endpoint: str | None = None
    availability: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def release_url(self, version: str) -> str:
        """Where release ``version`` is published: ``BASE_URL/VERSION/``."""
        return f"{self.base_url}{version}/"

    @property
    def language_iri(self) -> str | None:
        code = EU_LANGUAGES.get(self.language.split("-")[0].lower())
        return EU_LANGUAGE_NS + code if code else None


def _is_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI (http(s) or mailto) that RDF can hold."""
    import pyoxigraph as ox

    if not value.startswith(("http://", "https://", "mailto:")) or any(c in value for c in ' <>"{}|\\^`'):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _concepts(value: Any, key: str, problems: list[Problem], where: Location) -> tuple[Concept, ...]:
    out = []
    for item in value or []:
        if isinstance(item, dict) and isinstance(item.get("iri"), str) and isinstance(item.get("label"), str):
            out.append(Concept(item["iri"], item["label"]))
        else:
            problems.append(Problem(f"[publish] {key}: every entry needs an iri and a label", where,
                                    f'write {key} = [{{ iri = "https://...", label = "..." }}]'))
    return tuple(out)


def load_publish_settings(project: Project, env: Mapping[str, str] | None = None) -> PublishSettings:
    """Read and check ``[publish]``; raise one :class:`ConfigError` listing every missing setting."""
    env = os.environ if env is None else env
    table = project.section("publish")
    where = Location(str(project.root / CONFIG_FILE))
    problems: list[Problem] = []

    def text(key: str, default: str | None = None, mandatory: bool = False) -> str | None:
        value = table.get(key, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if mandatory:
                problems.append(Problem(f"missing [publish] {key}", where, f"add under [publish]: {_EXAMPLES[key]}"))
            return None
        if not isinstance(value, str):
            problems.append(Problem(f"[publish] {key} must be a string", where, _EXAMPLES.get(key)))
            return None
        return value.strip()

    base_url = text("base_url", mandatory=True)
    if base_url and not base_url.startswith(("http://", "https://")):
        problems.append(Problem(f"[publish] base_url {base_url!r} must be an http(s) URL", where, _EXAMPLES["base_url"]))
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    title = text("title") or str(project.settings.get("project", {}).get("title") or project.name)
    description = text("description", mandatory=True)
    publisher = text("publisher", mandatory=True)
    contact_email = text("contact_email", mandatory=True)
    if contact_email and "@" not in contact_email:
        problems.append(Problem(f"[publish] contact_email {contact_email!r} is not an e-mail address", where))
        contact_email = None
    license_iri = text("license", mandatory=True)

    epoch = env.get("SOURCE_DATE_EPOCH")
    epoch_time = None
    if epoch:
        try:
            epoch_time = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError):
            problems.append(Problem(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds", Location(),
                                    "set it to an integer, e.g. $(git log -1 --format=%ct)"))
    issued = _date(table.get("issued")) or (epoch_time.date() if epoch_time else None)
    if "issued" in table and _date(table["issued"]) is None:
        problems.append(Problem(f"[publish] issued {table['issued']!r} is not a date", where, _EXAMPLES["issued"]))
    elif issued is None:
        problems.append(Problem("no release date: missing [publish] issued and SOURCE_DATE_EPOCH is not set", where,
                                f"add under [publish]: {_EXAMPLES['issued']}"))
    modified = _date(table.get("modified")) or (epoch_time.date() if epoch_time else None) or issued
    if "modified" in table and _date(table["modified"]) is None:
        problems.append(Problem(f"[publish] modified {table['modified']!r} is not a date", where, "modified = 2024-02-29"))

    keywords = table.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        problems.append(Problem("[publish] keywords must be a list of strings", where, 'keywords = ["a", "b"]'))
        keywords = []
    themes = _concepts(table.get("themes"), "themes", problems, where)
    spatial = _concepts(table.get("spatial"), "spatial", problems, where)
    iris = {key: table.get(key) for key in ("license", "publisher_url", "homepage", "sparql_endpoint")}
    iris.update({f"{key} {c.label!r}": c.iri for key, items in (("themes", themes), ("spatial", spatial)) for c in items})
    for key, value in iris.items():
        if isinstance(value, str) and value and not _is_iri(value):
            problems.append(Problem(f"[publish] {key}: {value!r} is not an absolute http(s) IRI", where,
                                    "write the full address, e.g. https://creativecommons.org/licenses/by/4.0/"))
    if contact_email and not _is_iri("mailto:" + contact_email):
        problems.append(Problem(f"[publish] contact_email {contact_email!r} is not an e-mail address", where))
    if problems:
        raise ConfigError(problems)

    if epoch_time and "modified" not in table:
        timestamp = epoch_time
    else:
        timestamp = dt.datetime.combine(modified, dt.time(0, 0), dt.timezone.utc)
    return PublishSettings(
        base_url=base_url,
        title=title,
        description=description,
        publisher=publisher,
        contact_email=contact_email,
        license=license_iri,
        issued=issued,
        modified=modified,
        timestamp=timestamp,
        contact_name=text("contact_name") or publisher,
        publisher_url=text("publisher_url"),
        homepage=text("homepage"),
        license_title=text("license_title") or "",
        rights=text("rights") or "",
        keywords=tuple(keywords),
        themes=themes,
        spatial=spatial,
        language=project.language,
        sparql_endpoint=text("sparql_endpoint"),
        availability=text("availability"),
        extra={k: v for k, v in table.items()},
    )
