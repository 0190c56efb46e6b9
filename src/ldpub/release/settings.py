"""Release settings: the ``[publish]`` table of ``ldpub.toml``, checked before anything is written.

Mandatory: ``base_url``, ``description``, ``publisher``, ``contact_email``, ``license``, and a
date for the release (see :mod:`ldpub.release.dates`: ``modified``, ``SOURCE_DATE_EPOCH`` or
the last git commit of the inputs). Everything else has a documented default. Missing settings
are reported together, as one error naming the file and what to add.

IRIs the catalog mints for things that are not one release (the version-independent dataset,
the publisher, the contact point, the rights statement, the SPARQL service) live under the
project's *home*: the deepest folder that holds both ``base_url`` and ``[project] base_iri``
(``https://w3id.org/x/`` for ``https://w3id.org/x/releases/`` and ``https://w3id.org/x/id/``),
else the folder above ``base_url``. ``publisher_iri`` names the publisher with an IRI of its own
(an ROR or Wikidata IRI, say) instead of ``HOME#publisher``. ``publisher_type`` says what kind of
publisher it is: a name of the ADMS publisher-type table DCAT-AP recommends (``dct:type``), or
any concept IRI.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..config import CONFIG_FILE, Project
from ..errors import ConfigError, Location, Problem

__all__ = ["Concept", "PublishSettings", "load_publish_settings", "project_home", "EU_LANGUAGES",
           "PUBLISHER_TYPES", "ADMS_PUBLISHER_TYPE"]

# ISO 639-1 -> the EU Publications Office language authority table (dct:language of DCAT-AP)
EU_LANGUAGES = {
    "ar": "ARA", "de": "DEU", "en": "ENG", "es": "SPA", "fa": "FAS", "fr": "FRA", "it": "ITA",
    "nl": "NLD", "pl": "POL", "ps": "PUS", "pt": "POR", "ru": "RUS", "ur": "URD",
}
EU_LANGUAGE_NS = "http://publications.europa.eu/resource/authority/language/"

# the ADMS publisher-type table (DCAT-AP's vocabulary for an agent's dct:type): name -> FOAF class
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPES = {
    **dict.fromkeys(("Academia-ScientificOrganisation", "Company", "IndustryConsortium", "LocalAuthority",
                     "NationalAuthority", "NonGovernmentalOrganisation", "NonProfitOrganisation",
                     "ProfessionalAssociation", "RegionalAuthority", "StandardisationBody",
                     "SupraNationalAuthority"), "foaf:Organization"),
    "PrivateIndividual(s)": "foaf:Person",
}

_EXAMPLES = {
    "base_url": 'base_url = "https://example.org/releases/"   # releases are served under BASE_URL/VERSION/',
    "description": 'description = "What the dataset is about, in one or two sentences."',
    "publisher": 'publisher = "Name of the publishing organisation"',
    "contact_email": 'contact_email = "data@example.org"',
    "license": 'license = "https://creativecommons.org/licenses/by/4.0/"',
    "issued": "issued = 2024-01-31   # the day the dataset was first released",
    "modified": "modified = 2024-02-29   # this release's date",
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
    issued: dt.date | None  # the dataset's first release, when [publish] says so
    modified: dt.date  # this release's date
    timestamp: dt.datetime  # when the build activity ended (PROV)
    home: str = ""  # the project's home folder IRI (see the module docstring)
    date_source: str = "[publish] modified"
    contact_name: str = ""
    publisher_iri: str | None = None
    publisher_url: str | None = None  # the publisher's home page
    publisher_type: str | None = None  # its dct:type (an ADMS publisher-type IRI, or another concept IRI)
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

    def dataset_iri(self, version: str) -> str:
        """The IRI of release ``version`` as a dataset of its own (``dcat:version``)."""
        return self.release_url(version) + "#dataset"

    @property
    def series_iri(self) -> str:
        """The version-independent dataset: every release is a version of it (DCAT 3)."""
        return (self.home or self.base_url) + "#dataset"

    @property
    def publisher_node(self) -> str:
        return self.publisher_iri or (self.home or self.base_url) + "#publisher"

    @property
    def contact_iri(self) -> str:
        return (self.home or self.base_url) + "#contact-point"

    @property
    def rights_iri(self) -> str | None:
        return (self.home or self.base_url) + "#rights" if self.rights else None

    @property
    def service_iri(self) -> str | None:
        """The ``dcat:DataService`` of the configured SPARQL endpoint."""
        return (self.home or self.base_url) + "#sparql-service" if self.sparql_endpoint else None

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


def _publisher_type(value: str | None, problems: list[Problem], where: Location) -> str | None:
    """The publisher type's IRI: a name of the ADMS table (or its IRI), or another absolute IRI."""
    if value is None:
        return None
    name = value.removeprefix(ADMS_PUBLISHER_TYPE)
    if name in PUBLISHER_TYPES:
        return ADMS_PUBLISHER_TYPE + name
    if _is_iri(value) and not value.startswith(ADMS_PUBLISHER_TYPE):
        return value
    from ..errors import did_you_mean

    table = f"DCAT-AP's table: {', '.join(PUBLISHER_TYPES)}; or the full IRI of another concept"
    hint = did_you_mean(name, list(PUBLISHER_TYPES))
    problems.append(Problem(f"[publish] publisher_type {value!r} is not an ADMS publisher type nor an IRI", where,
                            f"{hint} ({table})" if hint else f"write one of {table}"))
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


def project_home(base_url: str, base_iri: str) -> str:
    """The deepest folder IRI holding both ``base_url`` and ``base_iri``, else the one above ``base_url``.

    >>> project_home("https://w3id.org/x/releases/", "https://w3id.org/x/id/")
    'https://w3id.org/x/'
    >>> project_home("https://example.org/data/releases/", "https://other.example/id/")
    'https://example.org/data/'
    """
    from urllib.parse import urlsplit

    a, b = urlsplit(base_url), urlsplit(base_iri)
    folders_a = [p for p in a.path.split("/")[:-1] if p]
    folders_b = [p for p in b.path.split("/")[:-1] if p]
    common: list[str] = []
    if (a.scheme, a.netloc) == (b.scheme, b.netloc):
        for x, y in zip(folders_a, folders_b):
            if x != y:
                break
            common.append(x)
    if not common:
        common = folders_a[:-1]
    return f"{a.scheme}://{a.netloc}/" + "".join(f"{p}/" for p in common)


def _release_time(project: Project, table: Mapping[str, Any], env: Mapping[str, str], data_dir,
                  problems: list[Problem], where: Location):
    """The release's date (see :mod:`ldpub.release.dates`), or None after a problem."""
    from .dates import FIRST_ISSUE, ReleaseTime, from_epoch, git_commit_time
    from .prov import input_paths

    if "modified" in table:
        day = _date(table["modified"])
        if day is None:
            problems.append(Problem(f"[publish] modified {table['modified']!r} is not a date", where, _EXAMPLES["modified"]))
            return None
        return ReleaseTime(day, dt.datetime.combine(day, dt.time(0, 0), dt.timezone.utc), "[publish] modified")
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return from_epoch(int(epoch), "SOURCE_DATE_EPOCH")
        except (ValueError, OverflowError, OSError):
            problems.append(Problem(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds", Location(),
                                    "set it to an integer, e.g. $(git log -1 --format=%ct)"))
            return None
    found = git_commit_time(project.root, input_paths(project, data_dir))
    issued = _date(table.get("issued"))
    if found is None and issued is not None:  # the first release is dated by the dataset's first issue
        return ReleaseTime(issued, dt.datetime.combine(issued, dt.time(0, 0), dt.timezone.utc), FIRST_ISSUE)
    if found is None:
        problems.append(Problem(
            "no date for this release: [publish] has no modified (nor issued), SOURCE_DATE_EPOCH is not set, "
            "and the inputs are in no git commit", where,
            f"commit the project to git, or set SOURCE_DATE_EPOCH, or add under [publish]: {_EXAMPLES['modified']}"))
    return found


def load_publish_settings(project: Project, env: Mapping[str, str] | None = None,
                          data_dir=None) -> PublishSettings:
    """Read and check ``[publish]``; raise one :class:`ConfigError` listing every missing setting.

    ``data_dir`` (the records folder of ``--data``) counts among the inputs whose last git
    commit dates the release when neither ``[publish] modified`` nor ``SOURCE_DATE_EPOCH`` does.
    """
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

    issued = _date(table.get("issued")) if "issued" in table else None
    if "issued" in table and issued is None:
        problems.append(Problem(f"[publish] issued {table['issued']!r} is not a date", where, _EXAMPLES["issued"]))
    when = _release_time(project, table, env, data_dir, problems, where)

    keywords = table.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        problems.append(Problem("[publish] keywords must be a list of strings", where, 'keywords = ["a", "b"]'))
        keywords = []
    themes = _concepts(table.get("themes"), "themes", problems, where)
    spatial = _concepts(table.get("spatial"), "spatial", problems, where)
    publisher_type = _publisher_type(text("publisher_type"), problems, where)
    iris = {key: table.get(key) for key in ("license", "publisher_iri", "publisher_url", "homepage", "sparql_endpoint")}
    iris.update({f"{key} {c.label!r}": c.iri for key, items in (("themes", themes), ("spatial", spatial)) for c in items})
    for key, value in iris.items():
        if isinstance(value, str) and value and not _is_iri(value):
            problems.append(Problem(f"[publish] {key}: {value!r} is not an absolute http(s) IRI", where,
                                    "write the full address, e.g. https://creativecommons.org/licenses/by/4.0/"))
    if contact_email and not _is_iri("mailto:" + contact_email):
        problems.append(Problem(f"[publish] contact_email {contact_email!r} is not an e-mail address", where))
    if problems:
        raise ConfigError(problems)

    return PublishSettings(
        base_url=base_url,
        title=title,
        description=description,
        publisher=publisher,
        contact_email=contact_email,
        license=license_iri,
        issued=issued,
        modified=when.date,
        timestamp=when.timestamp,
        home=project_home(base_url, project.base_iri),
        date_source=when.source,
        contact_name=text("contact_name") or publisher,
        publisher_iri=text("publisher_iri"),
        publisher_url=text("publisher_url"),
        publisher_type=publisher_type,
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
