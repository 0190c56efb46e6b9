"""Where a dataset's IRIs live on the web, derived from the project's ``base_iri``.

Entity IRIs are ``base_iri + slug``. With a *slash* base (``.../id/``) each entity IRI names a
thing, not a document, so a Linked Data server answers it with ``303 See Other`` to a
document about it under :func:`doc_path` (W3C "Cool URIs for the Semantic Web", section 4.2).
With a *hash* base (``.../dataset#``) the part before ``#`` is the one document for all of them.

Example::

    >>> dataset_iri("https://example.org/dataset/rowing-clubs/id/")
    'https://example.org/dataset/rowing-clubs/'
    >>> id_path("https://example.org/dataset/rowing-clubs/id/")
    '/dataset/rowing-clubs/id/'
    >>> doc_path("https://example.org/dataset/rowing-clubs/id/")
    '/dataset/rowing-clubs/doc/'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["dataset_iri", "id_path", "doc_path", "is_hash_base", "SLUG_PATTERN", "SLUG_MAX_LENGTH", "SLUG_ANCHORED", "valid_slug",
           "slug_problem", "suggest_slug", "shown"]

#: The longest slug: entity IRIs stay readable and every server and file system takes them.
SLUG_MAX_LENGTH = 200
#: The one slug rule, shared by the records (``id``) and the server (entity paths): lower-case
#: letters, digits and hyphens, neither first nor last a hyphen, at most :data:`SLUG_MAX_LENGTH`
#: characters. Use it with ``fullmatch`` (``match`` with ``$`` would accept a final newline).
SLUG_PATTERN = re.compile(rf"[a-z0-9](?:[a-z0-9-]{{0,{SLUG_MAX_LENGTH - 2}}}[a-z0-9])?")
#: The same rule anchored, for regex dialects that search (JSON Schema's ``pattern``, ECMA 262).
SLUG_ANCHORED = f"^(?:{SLUG_PATTERN.pattern})$"
_NOT_SLUG_CHARS = re.compile(r"[^a-z0-9-]")


def valid_slug(text: str) -> bool:
    """Whether ``text`` is a well-formed slug (nothing that could name a path or a file)."""
    return SLUG_PATTERN.fullmatch(text) is not None


def slug_problem(text: str) -> str | None:
    """What makes ``text`` not a slug, in words (None when it is one).

    >>> slug_problem("example-org-")
    'ends with a hyphen'
    """
    if SLUG_PATTERN.fullmatch(text):
        return None
    if not text:
        return "is empty"
    bad = sorted(set(_NOT_SLUG_CHARS.findall(text)))
    if bad:
        return "contains " + ", ".join(shown(c) for c in bad[:5]) + (" and more" if len(bad) > 5 else "")
    if len(text) > SLUG_MAX_LENGTH:
        return f"is {len(text)} characters long (at most {SLUG_MAX_LENGTH})"
    return "starts with a hyphen" if text.startswith("-") else "ends with a hyphen"


def suggest_slug(text: str) -> str:
    """A valid slug close to ``text`` (for hints): lower case, other characters as hyphens.

    >>> suggest_slug("Ada Lovelace")
    'ada-lovelace'
    """
    slug = _NOT_SLUG_CHARS.sub("-", text.lower())
    slug = re.sub("-{2,}", "-", slug).strip("-")[:SLUG_MAX_LENGTH].strip("-")
    return slug or "my-slug"


def shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message: control and invisible characters escaped, long text cut.

    >>> shown("x" + chr(10))
    "'x\\\\n'"
    """
    cut = text if len(text) <= limit else text[:limit] + "..."
    body = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)
    return f"'{body}'"


def is_hash_base(base_iri: str) -> bool:
    """Whether entity IRIs are hash IRIs (``...#slug``) rather than slash IRIs."""
    return base_iri.endswith("#")


def dataset_iri(base_iri: str) -> str:
    """The IRI of the dataset itself (its VoID description, its default named graph on push).

    ``.../id/`` -> ``.../``; ``.../data#`` -> ``.../data``; any other slash base is kept.
    """
    if is_hash_base(base_iri):
        return base_iri[:-1]
    if base_iri.endswith("/id/"):
        return base_iri[: -len("id/")]
    return base_iri


def id_path(base_iri: str) -> str:
    """The URL path under which entity IRIs are served (the path of ``base_iri``)."""
    path = urlsplit(base_iri).path or "/"
    if is_hash_base(base_iri):
        return path
    return path if path.endswith("/") else path + "/"


def doc_path(base_iri: str) -> str:
    """The URL path of the documents describing entities: a sibling ``doc/`` of the id folder."""
    path = urlsplit(base_iri).path or "/"
    if is_hash_base(base_iri):
        path = path.rsplit("/", 1)[0] + "/"
        return path + "doc/"
    parent = path.rstrip("/").rsplit("/", 1)[0]
    return parent + "/doc/"
