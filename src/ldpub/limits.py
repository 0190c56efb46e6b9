"""Bounds on what a build reads, so that its memory stays bounded: ``[limits]`` in ldpub.toml.

A build holds the mapped data in memory (its sorted N-Triples lines, for SHACL and the
writers); records are read a file at a time (a large file a part at a time,
:func:`ldpub.records._parse_in_parts`) and each is dropped once mapped. Measured on
``benchmarks/generate.py`` data (100k records, 30 MB of YAML, 1.14M triples): 0.93 GB at the
peak in one process, 1.25 GB summed over two; about 9-13 KB per record, 30-45 bytes per byte
of YAML. Four defences, each with a message that names the file or folder:

* the bounds below, checked before a file is read (its size, by :mod:`ldpub.records`) and as
  records are counted (:func:`ldpub.workers.load_bounded`);
* under a memory limit the process knows of (``ulimit -v``, ``RLIMIT_AS``), a file is not
  read when the records left to read would need more than what is left under the limit
  (:data:`BYTES_PER_YAML_BYTE` per byte, plus :data:`LATER_STEPS_BYTES`);
* under the memory limit of the process's control group (a container's ``--memory``), the data
  is not read when all of it would need more than is left in the group
  (:data:`RESIDENT_BYTES_PER_YAML_BYTE`, :func:`check_group_memory`): the kernel would
  otherwise kill the build without a message;
* running out of memory anyway is reported as such, never as a traceback: a reserve of
  address space (:func:`hold_reserve`) is given back first so that the error can be made.

The lines of the whole dataset stay in memory (SHACL looks across records), so a build of
2M records (~23M triples) needs ~20 GB; issue #16 has what would lift that.

Example ``ldpub.toml``::

    [limits]
    max_file_bytes = 33_554_432   # largest records file (default 32 MiB, ~100k records, ~0.5 GB to read)
    max_records = 250_000         # records in the data folder (default 250k, ~3.3 GB)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from .errors import ConfigError, LimitError
from .records import MAX_FILE_BYTES

__all__ = ["Limits", "project_limits", "check_record_count", "check_headroom", "check_group_memory", "cgroup_memory",
           "out_of_memory",
           "memory_guard", "hold_reserve", "release_reserve", "KB_PER_RECORD", "BYTES_PER_YAML_BYTE"]

KB_PER_RECORD = 14  # measured: memory of a build per record (see the module docstring)
BYTES_PER_YAML_BYTE = 40  # measured: address space a build takes per byte of records (25-53 on two kinds of data)
# measured: resident memory of all of a build's processes per byte of records (benchmarks/generate.py
# data, 100k records in 30 MB of YAML: 0.93-1.31 GB at the peak, one or two processes)
RESIDENT_BYTES_PER_YAML_BYTE = 45
RESERVE_BYTES = 64 * 2**20  # address space held during a build, given back when memory runs out
# measured: address space the steps after reading take beyond the records (the SHACL thread and its
# malloc arena, the stores): a one-record build has ~100 MB when it reads records, 148 MB at its peak
# (303 MB while the vocabulary Store was filled by pyoxigraph's bulk loader, which reserves 200 MB);
# twice that difference, because running out inside pyoxigraph (Rust) aborts the process without a
# message: builds of 6k records under caps around the estimate stopped cleanly or succeeded
LATER_STEPS_BYTES = 128 * 2**20


@dataclass(frozen=True)
class Limits:
    """The bounds of one project (defaults when ldpub.toml has no ``[limits]``)."""

    max_file_bytes: int = MAX_FILE_BYTES  # ldpub.records reads no larger file (32 MiB: ~0.5 GB to read)
    max_records: int = 250_000


_HELP = {"max_file_bytes": "the largest records file, in bytes", "max_records": "records in the data folder"}


def project_limits(project) -> Limits:
    """The ``[limits]`` of a project, checked: positive whole numbers, known keys only."""
    from .errors import did_you_mean

    table = project.settings.get("limits", {})
    source = _config_file(project)
    if not isinstance(table, dict):
        raise ConfigError.at("[limits] must be a table", source, hint="e.g. [limits] max_records = 250000")
    known = {f.name for f in fields(Limits)}
    values = {}
    for key, value in table.items():
        if key not in known:
            hint = did_you_mean(key, known) or "known: " + ", ".join(sorted(known))
            raise ConfigError.at(f"[limits] has no setting '{key}'", source, hint=hint)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError.at(f"[limits] {key} must be a positive whole number ({_HELP[key]}), not {value!r}",
                                 source, hint=f"e.g. {key} = {getattr(Limits(), key)}")
        values[key] = value
    return Limits(**values)


def _config_file(project) -> Path:
    from .config import CONFIG_FILE

    config = project.root / CONFIG_FILE
    return config if config.is_file() else project.root / "pyproject.toml"


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def check_record_count(count: int, display: str | Path, limits: Limits, *, so_far: bool = True) -> None:
    """Refuse the data once ``count`` records exceed the bound: read up to ``display`` (``so_far``), or in all."""
    if count > limits.max_records:
        what = "with this file the data holds" if so_far else "the data holds"
        raise LimitError.at(
            f"{what} {count:,} records, over the limit of {limits.max_records:,} ([limits] max_records)", display,
            hint=f"a build needs about {KB_PER_RECORD} KB of memory per record: raise the limit in ldpub.toml "
                 "if the machine has the memory", rule="limit")


def check_headroom(display: str, remaining: int, files: int) -> None:
    """Refuse to read on when ``remaining`` bytes of records (``files`` files, from ``display`` on)
    would need more memory than is left under this process's memory limit (none: no check)."""
    cap = _memory_cap()
    if cap is None or remaining <= 0:
        return
    left = cap - _address_space()
    need = LATER_STEPS_BYTES + remaining * BYTES_PER_YAML_BYTE
    if need > left:
        what = "this records file" if files == 1 else f"the records from this file on ({files} files, {_size(remaining)})"
        raise LimitError.at(
            f"{what} would need about {_size(need)} of memory, more than the {_size(max(left, 0))} left under the "
            f"memory limit of {_size(cap)} (ulimit -v)", display,
            hint="raise the memory limit, or split the data and build it in parts", rule="limit")


def check_group_memory(display: str | Path, data_bytes: int, files: int, cgroup_root: Path = Path("/sys/fs/cgroup"),
                       own: Path = Path("/proc/self/cgroup")) -> None:
    """Refuse to read the data when its ``data_bytes`` of records (``files`` files) would need more
    memory than is left under the memory limit of this process's control group (a container's
    ``--memory``, a systemd unit's ``MemoryMax``), all of the build's processes together: the
    kernel would kill the build without a word. No limit, or none known: no check."""
    group = cgroup_memory(cgroup_root, own)
    if group is None or data_bytes <= 0:
        return
    limit, used = group
    left = limit - used
    need = LATER_STEPS_BYTES + data_bytes * RESIDENT_BYTES_PER_YAML_BYTE
    if need > left:
        what = "the records file" if files == 1 else f"the {files} records files ({_size(data_bytes)})"
        raise LimitError.at(
            f"{what} would need about {_size(need)} of memory to build, more than the {_size(max(left, 0))} left "
            f"under the memory limit of {_size(limit)} of this process's control group (cgroup)", display,
            hint="raise the container's or the service's memory limit, or split the data and build it in parts",
            rule="limit")


def cgroup_memory(cgroup_root: Path = Path("/sys/fs/cgroup"), own: Path = Path("/proc/self/cgroup")) -> tuple[int, int] | None:
    """(memory limit, memory in use less reclaimable page cache) of the tightest control group this
    process is in (its own or an ancestor: cgroup v2 ``memory.max``, v1 ``memory.limit_in_bytes``);
    None when no group has a limit or none can be read."""
    try:
        entries = [line.split(":", 2) for line in own.read_text().splitlines() if line.count(":") >= 2]
    except OSError:
        return None
    tightest = None
    for hierarchy, controllers, path in entries:
        v2 = hierarchy == "0" and controllers == ""
        if not v2 and "memory" not in controllers.split(","):
            continue
        base = cgroup_root if v2 else cgroup_root / "memory"
        names = ("memory.max", "memory.current") if v2 else ("memory.limit_in_bytes", "memory.usage_in_bytes")
        folder = base / path.strip("/")
        for group in (folder, *folder.parents):  # a container may show its own group as the root
            if not group.is_relative_to(base):
                break
            try:
                limit_text = (group / names[0]).read_text().strip()
                used = int((group / names[1]).read_text().strip())
            except (OSError, ValueError):
                continue
            if limit_text.isdigit() and int(limit_text) < 2**60:
                found = int(limit_text), max(used - _reclaimable(group / "memory.stat", v2), 0)
                if tightest is None or found[0] - found[1] < tightest[0] - tightest[1]:
                    tightest = found
    return tightest


def _reclaimable(stat: Path, v2: bool) -> int:
    """Page cache the kernel can drop instead of failing (file cache less shared memory and tmpfs,
    which stay), from ``memory.stat``."""
    cache, shared = ("file", "shmem") if v2 else ("total_cache", "total_shmem")
    values = {}
    try:
        for line in stat.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name in (cache, shared):
                values[name] = int(value)
    except (OSError, ValueError):
        return 0
    return max(values.get(cache, 0) - values.get(shared, 0), 0)


def out_of_memory(what: str, where: str | Path | None = None) -> LimitError:
    """The error for a build that ran out of memory while doing ``what`` (e.g. reading a file)."""
    cap = _memory_cap()
    under = f" under a memory limit of {_size(cap)} (ulimit -v)" if cap else ""
    return LimitError.at(
        f"ran out of memory{under} while {what}", where,
        hint="free memory or raise the limit; lower [limits] max_file_bytes or max_records in ldpub.toml "
             "to refuse such data before it is read", rule="limit")


def _memory_cap() -> int | None:
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY else soft


def _address_space() -> int:
    """This process's address space in bytes (what ``RLIMIT_AS`` bounds); 0 where unknown."""
    import os

    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


_RESERVE = None


def hold_reserve() -> None:
    """Set aside address space (never touched: no memory is used) to give back when memory runs out."""
    global _RESERVE
    if _RESERVE is None:
        import mmap

        try:
            _RESERVE = mmap.mmap(-1, RESERVE_BYTES)
        except (OSError, ValueError, MemoryError):
            _RESERVE = None


def release_reserve() -> None:
    """Give the reserve back (first thing when memory has run out: what follows needs some)."""
    global _RESERVE
    if _RESERVE is not None:
        _RESERVE.close()
        _RESERVE = None


class memory_guard:  # noqa: N801 (used like contextlib's context managers)
    """Turn a MemoryError inside the block into :func:`out_of_memory` for ``what`` at ``where``.

    The reserve is held while any guarded block runs and given back first when memory runs out
    (and when the outermost block ends: a long-lived process keeps no reserve between builds).
    """

    depth = 0

    def __init__(self, what: str, where: str | Path | None = None) -> None:
        self.what, self.where = what, where

    def __enter__(self) -> None:
        memory_guard.depth += 1
        hold_reserve()

    def __exit__(self, kind, value, traceback) -> bool:
        memory_guard.depth -= 1
        if kind is not None and issubclass(kind, MemoryError):
            release_reserve()
            del value, traceback
            raise out_of_memory(self.what, self.where) from None
        if memory_guard.depth == 0:
            release_reserve()
        return False
