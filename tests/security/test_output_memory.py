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

MB = 2**20


def _records(count: int, start: int = 0) -> str:
    return "".join(f"- id: org-{i}\n  type: Organization\n  label: Organization {i}\n"
                   for i in range(start, start + count))


def _heavy_records(megabytes: float) -> str:
    """Records of many tiny values: some 90 bytes of memory per byte of YAML (most data takes 25-50)."""
    row = ", ".join("x" for _ in range(25000))
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
_PEAK = """
import sys
from ldpub.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(open("/proc/self/status").read().split("VmPeak:")[1].split()[0])
"""


@pytest.fixture(scope="module")
def baseline_kb(tmp_path_factory) -> int:
    """The address space (VmPeak) a build of a one-record project takes here."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs /proc to measure the address space of a build")
    project = new_project(tmp_path_factory.mktemp("baseline") / "demo")
    done = subprocess.run([sys.executable, "-c", _PEAK, "--project", str(project), "build", "-q"],
                          capture_output=True, text=True,  # as the capped builds run: no caches, no query store
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_CACHE": "0"})
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def _build_under_cap(project, cap_bytes: int, jobs: int) -> subprocess.CompletedProcess:
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LDPUB_JOBS": str(jobs), "LDPUB_CACHE": "0"}
    return subprocess.run([sys.executable, "-m", "ldpub", "--project", str(project), "build", "-q"],
                          capture_output=True, text=True, env=env, preexec_fn=cap, timeout=300)


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
    (project / "data" / name).write_text(_heavy_records(5))  # ~200 MB by the estimate, ~450 MB in fact
    cap = (baseline_kb // 1024 + 250) * MB
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
