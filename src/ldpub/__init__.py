"""ldpub: publish curated, source-cited records as validated linked data.

Library entry points (the CLI is a thin layer over these):

>>> from ldpub import load_project, compile_project, write_build
>>> project = load_project(".")                      # doctest: +SKIP
>>> build = compile_project(project)                 # doctest: +SKIP
>>> build.report.conforms                            # doctest: +SKIP
True
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_project", "compile_project", "write_build", "LdpubError"]


def __getattr__(name: str):
    # heavy modules load lazily, so `ldpub --help` answers instantly
    if name == "load_project":
        from .config import load_project

        return load_project
    if name in ("compile_project", "write_build"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "LdpubError":
        from .errors import LdpubError

        return LdpubError
    raise AttributeError(name)
