"""How this copy of ldpub was installed, as a pip requirement another machine can use.

``ldpub init`` writes it into the new project's CI workflow, so the workflow installs the
ldpub that wrote it: the same git commit or wheel URL when pip recorded one (PEP 610
``direct_url.json``), else ``ldpub==VERSION``.

>>> pip_requirement().startswith("ldpub")
True
"""

from __future__ import annotations

import json

from . import __version__

__all__ = ["pip_requirement", "PINNED_BY_VERSION"]

PINNED_BY_VERSION = f"ldpub=={__version__}"


def pip_requirement() -> str:
    """A pinned requirement for this ldpub: ``ldpub @ git+URL@COMMIT``, ``ldpub @ WHEEL_URL`` or ``ldpub==X``.

    Local folders and editable installs are not reachable from another machine: they give
    the version pin.
    """
    from importlib import metadata

    try:
        text = metadata.distribution("ldpub").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return PINNED_BY_VERSION
    try:
        info = json.loads(text) if text else {}
    except ValueError:
        return PINNED_BY_VERSION
    url = info.get("url", "") if isinstance(info, dict) else ""
    if not url.startswith(("https://", "http://", "ssh://", "git@")):
        return PINNED_BY_VERSION
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"ldpub @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    if "archive_info" in info:
        return f"ldpub @ {url}"
    return PINNED_BY_VERSION
