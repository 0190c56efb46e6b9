"""The build's memory is bounded and running out of it is a clear message (#14).

Before: a 200 MB records file (2.16M records) took 8.5 GB, and under a 6 GB cap the helper
process of the two-process build died with a MemoryError traceback. Now the data is refused
before it is read when it is over a bound of ``[limits]`` or would not fit under the process's
memory limit, and a MemoryError in either process is reported naming the file, exit 2.
The caps here are real (``RLIMIT_AS`` set in the child process), relative to what a build of
a one-record project takes on this machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from _output_tools import ROOT, new_project, snapshot
from _peak import PEAK_SCRIPT

MB = 2**20


def _records(count: int, start: int = 0) -> str:
    return "".join(f"- id: org-{i}\n  type: Organization\n  label: Organization {i}\n"
                   for i in range(start, start + count))


def _heavy_records(megabytes: float) -> str:
    """Records of many empty nested records: some 95 bytes of memory per byte of YAML (most data
    takes under 40; a list of 25,000 ``x`` values, used before, takes 63 now that files are
    composed a part at a time)."""
    row = ", ".join("{}" for _ in range(12000))
    count = int(megabytes * 1e6 / (len(row) + 60))
    return "".join(f"- id: many-{r}\n  type: Organization\n  label: Many {r}\n  description: [{row}]\n"
                   for r in range(count))


def _limits(project, **values) -> None:
    with open(project / "ldpub.toml", "a", encoding="utf-8") as config:
        config.write("\n[limits]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()))


# ------------------------------------------------------------------------------------ [limits]
def test_more_records_than_the_bound_are_refused_naming_the_file_and_the_setting(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    (project / "data" / "many.yaml").write_text(_records(150))  # read before organizations.yaml
    _limits(project, max_records=100)
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 2
    assert "data/many.yaml: with this file the data holds 150 records, over the limit of 100 ([limits] max_records)" in err
    assert not (project / "dist").exists()


def test_the_record_bound_holds_across_the_two_processes_of_a_parallel_build(tmp_path, run_cli, monkeypatch):
    """Each half is under the bound, both together are over it."""
    project = new_project(tmp_path / "demo")
    (project / "data" / "a.yaml").write_text(_records(80))  # with organizations.yaml: this process
    (project / "data" / "z.yaml").write_text(_records(80, start=80))  # the helper's half
    _limits(project, max_records=100)
    monkeypatch.setenv("LDPUB_JOBS", "2")
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 2, err
    assert "data: the data holds 161 records, over the limit of 100 ([limits] max_records)" in err
    assert "Traceback" not in err


def test_the_record_bound_found_by_the_helper_process_is_reported_as_such(tmp_path, run_cli, monkeypatch):
    project = new_project(tmp_path / "demo")
    (project / "data" / "a.yaml").write_text(_records(10))
    (project / "data" / "z.yaml").write_text(_records(500, start=10))  # the helper's half
    _limits(project, max_records=100)
    monkeypatch.setenv("LDPUB_JOBS", "2")
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 2, err
    assert "data/z.yaml: with this file the data holds 500 records, over the limit of 100" in err


def test_a_records_file_over_the_size_bound_is_refused_before_it_is_read(tmp_path, run_cli):
    """The bound of ldpub.records (32 MiB by default), set lower in ldpub.toml."""
    project = new_project(tmp_path / "demo")
    (project / "data" / "big.yaml").write_text(_records(100))
    _limits(project, max_file_bytes=2048)
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 2
    size = (project / "data" / "big.yaml").stat().st_size
    assert f"data/big.yaml: records file of {size:,} bytes is over the limit of 2,048 bytes per file " \
           "([limits] max_file_bytes)" in err


@pytest.mark.parametrize("setting, message", [
    ("max_records = 'many'", "[limits] max_records must be a positive whole number"),
    ("max_records = 0", "[limits] max_records must be a positive whole number"),
    ("max_file_bytes = true", "[limits] max_file_bytes must be a positive whole number"),
    ("max_record = 5", "[limits] has no setting 'max_record' (did you mean 'max_records'?)"),
])
def test_a_wrong_limit_is_a_config_error(tmp_path, run_cli, setting, message):
    project = new_project(tmp_path / "demo")
    with open(project / "ldpub.toml", "a", encoding="utf-8") as config:
        config.write(f"\n[limits]\n{setting}\n")
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 2
    assert "ldpub.toml:" in err and message in err


# ---------------------------------------------------------------------------- under a real cap


@pytest.fixture(scope="module")
def baseline_kb(tmp_path_factory) -> int:
    """The address space (VmPeak) a build of a one-record project takes here."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs /proc to measure the address space of a build")
    project = new_project(tmp_path_factory.mktemp("baseline") / "demo")
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, "--project", str(project), "build", "-q"],
                          capture_output=True, text=True,  # as the capped builds run: no caches, no query store
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_CACHE": "0"})
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def _build_under_cap(project, cap_bytes: int | None, jobs: int, *args: str) -> subprocess.CompletedProcess:
    """``ldpub build`` in a subprocess whose address space is capped at ``cap_bytes`` (None: no cap)."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_JOBS": str(jobs), "LDPUB_CACHE": "0"}
    return subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project), "build", "-q", *args],
                          capture_output=True, text=True, env=env, preexec_fn=cap if cap_bytes else None,
                          timeout=600)


def _built_project(tmp_path, run_cli):
    project = new_project(tmp_path / "demo")
    assert run_cli("--project", str(project), "build", "-q")[0] == 0
    return project, snapshot(project / "dist")


def test_data_that_cannot_fit_under_the_memory_cap_is_refused_before_it_is_read(tmp_path, run_cli, baseline_kb):
    project, before = _built_project(tmp_path, run_cli)
    (project / "data" / "big.yaml").write_text(_records(60_000))  # ~4 MB: about 160 MB by the estimate
    cap = (baseline_kb // 1024 + 100) * MB
    done = _build_under_cap(project, cap, jobs=1)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("data/big.yaml: the records from this file on (2 files, 3.7 MiB) would need about ")
    assert f"under the memory limit of {cap // MB} MiB (ulimit -v)" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(project / "dist") == before


@pytest.mark.parametrize("process, name", [("main", "0-heavy.yaml"), ("helper", "z-heavy.yaml")])
def test_running_out_of_memory_in_either_process_is_a_clear_error(tmp_path, run_cli, baseline_kb, process, name):
    """Data heavier than the estimate passes the headroom check, then memory runs out while reading it:
    in this process (one-process build, heavy file first) or in the helper (its half holds the file)."""
    project, before = _built_project(tmp_path, run_cli)
    (project / "data" / name).write_text(_heavy_records(5))  # ~320 MB by the estimate, ~470 MB in fact
    cap = (baseline_kb // 1024 + 340) * MB
    done = _build_under_cap(project, cap, jobs=1 if process == "main" else 2)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"data/{name}: ran out of memory under a memory limit of {cap // MB} MiB "
                                  "(ulimit -v) while reading this records file"), done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert snapshot(project / "dist") == before
    assert not list(project.glob(".dist.tmp-*"))


def test_a_helper_killed_by_the_system_is_reported_as_such(tmp_path, run_cli, monkeypatch):
    """The kernel's out-of-memory killer sends SIGKILL: here the real helper gets one as it starts."""
    import signal

    from ldpub.workers import Helper

    project, before = _built_project(tmp_path, run_cli)
    (project / "data" / "a.yaml").write_text(_records(10))
    (project / "data" / "z.yaml").write_text(_records(500, start=10))
    start = Helper.__init__

    def start_then_kill(self, *args, **kwargs):
        start(self, *args, **kwargs)
        os.kill(self.process.pid, signal.SIGKILL)

    monkeypatch.setattr(Helper, "__init__", start_then_kill)
    monkeypatch.setenv("LDPUB_JOBS", "2")
    monkeypatch.setenv("LDPUB_INCREMENTAL", "0")  # a clean build: one started from the last would map a.yaml alone
    code, _, err = run_cli("--project", str(project), "build", "-q")
    assert code == 2
    assert err.startswith("error: the helper process of the build (it handles data/z.yaml) was killed (SIGKILL), "
                          "most likely by the system's out-of-memory killer"), err
    assert snapshot(project / "dist") == before


# ------------------------------------------------------- a larger project under caps (#16)
_LAYOUTS = {"one file": (True, 1), "many files, two processes": (False, 2)}


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """Generated projects of 6,000 records (``benchmarks/generate.py``: the real shapes, SPARQL
    constraints included): all in one 1.8 MB file (read a part at a time) or in 250-record files
    built by two processes; each with its files built without a cap."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    made = {}
    for layout, (one_file, jobs) in _LAYOUTS.items():
        folder = tmp_path_factory.mktemp("large")
        project = generate(6000, folder / "project", one_file=one_file)
        done = _build_under_cap(project, None, jobs, "--out", str(folder / "reference"))
        assert done.returncode == 0, done.stderr
        made[layout] = project, snapshot(folder / "reference")
    return made


@pytest.mark.parametrize("layout", list(_LAYOUTS))
@pytest.mark.parametrize("room_mb", [20, 150, 1200])
def test_under_a_memory_cap_a_build_is_byte_identical_or_stops_saying_which_limit(tmp_path, large, baseline_kb,
                                                                                   layout, room_mb):
    """Under a cap of ``room_mb`` over what a one-record build takes, the build either succeeds
    with the very files of a build without a cap, or stops with exit 2 and one message naming
    the memory limit, writing nothing. With little room it must stop; with ample room it must
    succeed (whichever happens in between depends on the machine)."""
    project, reference = large[layout]
    cap = (baseline_kb // 1024 + room_mb) * MB
    out = tmp_path / "out"
    done = _build_under_cap(project, cap, _LAYOUTS[layout][1], "--out", str(out))
    if done.returncode == 0:
        assert snapshot(out) == reference
    else:
        assert done.returncode == 2, done.stderr
        assert f"memory limit of {cap // MB} MiB (ulimit -v)" in done.stderr, done.stderr
        assert done.stderr.startswith("data/") or done.stderr.startswith("error: data"), done.stderr
        assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
        assert not out.exists() and not list(tmp_path.glob(".out.tmp-*"))
    if room_mb == 20:
        assert done.returncode == 2
    if room_mb == 1200:
        assert done.returncode == 0, done.stderr


# ----------------------------------------------------- a control group's limit (a container's --memory)
def _group(root, path: str, files: dict) -> None:
    folder = root / path.strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_the_tightest_control_group_limit_is_found_less_the_page_cache_but_not_shared_memory(tmp_path, version):
    from ldpub.limits import cgroup_memory

    own = tmp_path / "cgroup"
    root = tmp_path / "sys"
    if version == "v2":
        own.write_text("0::/service/build\n")
        _group(root, "/service", {"memory.max": str(1024 * MB), "memory.current": str(900 * MB),
                                  "memory.stat": f"anon 1\nfile {130 * MB}\nshmem {30 * MB}\n"})
        _group(root, "/service/build", {"memory.max": "max", "memory.current": str(850 * MB)})
    else:
        own.write_text("4:memory:/service/build\n3:cpu:/\n")
        _group(root / "memory", "/service/build", {"memory.limit_in_bytes": str(1024 * MB),
                                                   "memory.usage_in_bytes": str(900 * MB),
                                                   "memory.stat": f"cache 5\ntotal_cache {110 * MB}\ntotal_shmem {10 * MB}\n"})
        _group(root / "memory", "/", {"memory.limit_in_bytes": "9223372036854771712",
                                      "memory.usage_in_bytes": str(5000 * MB)})
    assert cgroup_memory(root, own) == (1024 * MB, 800 * MB)


def test_no_control_group_limit_means_no_check(tmp_path):
    from ldpub.limits import cgroup_memory, check_group_memory

    own = tmp_path / "cgroup"
    own.write_text("0::/\n")
    _group(tmp_path / "sys", "/", {"memory.max": "max", "memory.current": "1"})
    assert cgroup_memory(tmp_path / "sys", own) is None
    assert cgroup_memory(tmp_path / "sys", tmp_path / "missing") is None
    check_group_memory("data", 10**12, 3, tmp_path / "sys", own)  # nothing to compare with: no refusal


def test_data_too_large_for_the_control_group_is_refused_before_it_is_read(tmp_path):
    from ldpub.errors import LimitError
    from ldpub.limits import check_group_memory

    own = tmp_path / "cgroup"
    own.write_text("0::/box\n")
    _group(tmp_path / "sys", "/box", {"memory.max": str(2048 * MB), "memory.current": str(548 * MB)})
    check_group_memory("data", 20 * 10**6, 80, tmp_path / "sys", own)  # 20 MB of records: ~0.9 GB, fits
    with pytest.raises(LimitError) as refused:
        check_group_memory("data", 200 * 10**6, 800, tmp_path / "sys", own)  # the 200 MB of the issue: ~9 GB
    message = str(refused.value.problems[0])
    assert refused.value.problems[0].location.file == "data"
    assert "the 800 records files (190.7 MiB) would need about " in refused.value.problems[0].message
    assert "more than the 1.5 GiB left under the memory limit of 2 GiB of this process's control group" in \
        refused.value.problems[0].message, message
