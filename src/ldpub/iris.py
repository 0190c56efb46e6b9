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

__all__ = ["dataset_iri", "id_path", "doc_path", "is_hash_base", "SLUG_PATTERN", "valid_slug"]

#: A record slug: lower-case letters, digits and hyphens (what records.py accepts as ``id``).
SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?")


def valid_slug(text: str) -> bool:
    """Whether ``text`` is a well-formed slug (nothing that could name a path or a file)."""
    return SLUG_PATTERN.fullmatch(text) is not None


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
