"""The command line behaves as researchers' other tools do (#15 item 4): progress on standard
error for every long step, only on a terminal and not with --quiet; the text report of validate
on standard output when asked; serve stops cleanly on SIGTERM; path options resolve against
--project. Everything runs on the second example project (examples/python-governance)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from _servers import free_port, oxigraph_binary, start_oxigraph, wait_http
from _terminal import Terminal, ldpub_env, on_a_terminal, phases

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "python-governance"


@pytest.fixture
def governance(tmp_path) -> Path:
    """A copy of the second example project (its own field: the governance of Python)."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "python-governance", ignore=shutil.ignore_patterns("dist", "releases")))


def _states(terminal: str) -> list[str]:
    """The progress line's states, without what follows the last clear (the command's own messages)."""
    return phases(terminal.rsplit("\r\x1b[K", 1)[0]) if "\r\x1b[K" in terminal else []


def _compiled(states: list[str]) -> None:
    """The phases every command that compiles the records goes through, with their counts."""
    files = len(list((EXAMPLE / "data").rglob("*.yaml")))
    assert f"reading records: {files}/{files} files" in states, states
    assert any(s.startswith("mapping records: ") and s.endswith(" records") for s in states), states
    assert any(s.startswith("validating: ") and s.endswith(" triples") for s in states), states


# ------------------------------------------------------------------------------------- progress
def test_validate_shows_its_phases_on_a_terminal_then_clears_the_line(governance, tmp_path):
    code, terminal, out = on_a_terminal(["--project", str(governance), "validate", "-o", "-"], ldpub_env(tmp_path))
    assert code == 0, terminal
    states = _states(terminal)
    _compiled(states)
    assert states[-1] == "checking the ontology ..."
    assert terminal.endswith("\r\x1b[K"), "the line is cleared before the report"
    assert out.startswith("conforms: "), "the text report went to standard output (-o -)"


def test_publish_shows_making_checking_and_writing_the_release(governance, tmp_path):
    code, terminal, out = on_a_terminal(["--project", str(governance), "publish", "--version", "1.0.0"],
                                        ldpub_env(tmp_path))
    assert code == 0, terminal
    states = _states(terminal)
    _compiled(states)
    files = len(list((governance / "releases" / "1.0.0").iterdir()))
    assert states[-3:] == [states[-3], "checking DCAT-AP ...", f"writing the release: {files} files"]
    assert states[-3].startswith("making the release: ") and states[-3].endswith(" triples")
    assert out.startswith("published 1.0.0: ")
    after = terminal.rsplit("\r\x1b[K", 1)[1]
    assert after.startswith("DCAT-AP warning: ") and "\x1b" not in after, "the warnings start on a clean line"


def test_export_shows_its_phases(governance, tmp_path):
    code, terminal, out = on_a_terminal(["--project", str(governance), "export", "nanopub"], ldpub_env(tmp_path))
    assert code == 0, terminal
    states = _states(terminal)
    _compiled(states)
    assert states[-1].startswith("exporting: ") and states[-1].endswith(" triples")
    assert terminal.endswith("\r\x1b[K")
    assert out.startswith("@prefix") or out.startswith("PREFIX"), out[:200]


@pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed (pip install oxigraph)")
def test_push_shows_the_triples_sent_so_far(governance, tmp_path):
    env = ldpub_env(tmp_path)
    subprocess.run([sys.executable, "-m", "ldpub", "--project", str(governance), "build", "-q"], env=env, check=True)
    server = start_oxigraph(tmp_path / "store")
    try:
        code, terminal, out = on_a_terminal(["--project", str(governance), "push", "--endpoint", server.store,
                                             "--chunk-size", "500"], env)
    finally:
        server.stop()
    assert code == 0, terminal
    sent = int(out.split()[1])  # "pushed N triples in ..."
    states = [s for s in _states(terminal) if s.startswith("uploading: ")]
    assert states[-1] == f"uploading: {sent:,}/{sent:,} triples", states
    assert len(states) >= 1
    assert terminal.endswith("\r\x1b[K")


def test_serve_shows_its_startup_load_then_serves(governance, tmp_path):
    port = free_port()
    server = Terminal(["--project", str(governance), "serve", "--port", str(port)], ldpub_env(tmp_path))
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=server.process)
    finally:
        server.process.send_signal(signal.SIGTERM)
        code, terminal, out = server.finish(timeout=60)
    states = _states(terminal)
    _compiled(states)
    assert states[-1].startswith("loading the store: ") and states[-1].endswith(" triples"), states
    assert out.startswith("serving ")


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal(governance, tmp_path):
    for args in (["validate", "--format", "json"], ["export", "nanopub"],
                 ["publish", "--version", "1.0.0", "--no-check"]):
        done = subprocess.run([sys.executable, "-m", "ldpub", "--project", str(governance), *args],
                              env=ldpub_env(tmp_path), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "\r" not in done.stderr and "\x1b" not in done.stderr, args


@pytest.mark.parametrize("args", [["validate", "-q", "-o", "-"], ["export", "nanopub", "-q"],
                                  ["publish", "--version", "1.0.0", "--no-check", "-q"]])
def test_quiet_draws_nothing_even_on_a_terminal(governance, tmp_path, args):
    code, terminal, _ = on_a_terminal(["--project", str(governance), *args], ldpub_env(tmp_path))
    assert (code, terminal) == (0, "")


# ------------------------------------------------------------------------------------- validate -o
def test_validate_text_report_goes_to_stdout_with_dash(governance, run_cli):
    code, out, err = run_cli("--project", str(governance), "validate", "-o", "-")
    assert code == 0
    assert out.startswith("conforms: no problems")
    assert err == ""
    assert not (governance / "-").exists(), "'-' is standard output, not a file named '-'"


def test_validate_dash_keeps_a_failing_report_and_exit_code(governance, run_cli):
    records = governance / "data" / "organizations.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("type: OrganizationalUnit", "type: OrganisationalUnit", 1), encoding="utf-8")
    code, out, err = run_cli("--project", str(governance), "validate", "-o", "-")
    assert code == 2, (out, err)
    assert "OrganisationalUnit" in out and "organizations.yaml" in out
    assert err == ""


def test_validate_report_file_gets_the_usual_permissions(governance, run_cli, tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        code, _, _ = run_cli("--project", str(governance), "validate", "-o", "report.txt")
    finally:
        os.umask(old)
    assert code == 0
    report = governance / "report.txt"  # a relative -o is in the --project folder
    assert report.read_text(encoding="utf-8").startswith("conforms: ")
    assert stat.S_IMODE(report.stat().st_mode) == 0o644


# ------------------------------------------------------------------------------------- serve
def test_sigterm_stops_serve_and_removes_its_temporary_store(governance, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    port = free_port()
    env = ldpub_env(tmp_path, TMPDIR=str(temp))
    process = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(governance), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=process)
        copies = [p.name for p in temp.iterdir() if p.name.startswith("ldpub-serve-")]
        assert len(copies) == 1, "the server works on a temporary copy of the store"
        workers = _children(process.pid)
        assert workers, "query workers run"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert [p.name for p in temp.iterdir() if p.name.startswith("ldpub-serve-")] == []
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"] == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
    except OSError:
        return "gone"


def _help_example(command: str) -> list[str]:
    """The example lines of ``ldpub COMMAND -h`` (the indented block after 'Example:')."""
    done = subprocess.run([sys.executable, "-m", "ldpub", command, "-h"], capture_output=True, text=True,
                          env=ldpub_env(Path("/nonexistent")), check=True)
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Example:") + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line.strip())
    return block


def test_the_curl_example_of_serve_help_works_when_pasted(governance, tmp_path):
    import shlex

    lines = _help_example("serve")
    assert lines[0] == "ldpub serve --port 8080"
    command = " ".join(line.rstrip("\\").strip() for line in lines[1:])
    assert command.startswith("curl ")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(governance), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ldpub_env(tmp_path))
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=process)
        pasted = command.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        if shutil.which("curl"):
            done = subprocess.run(["bash", "-c", pasted + " --fail --silent --show-error"], capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            answer = done.stdout
        else:  # the same request: the form fields of the example, POSTed to its URL
            words = shlex.split(pasted)
            data = words[words.index("--data-urlencode") + 1]
            accept = words[words.index("-H") + 1].split(":", 1)[1].strip()
            key, _, value = data.partition("=")
            body = urllib.parse.urlencode({key: value}).encode()
            request = urllib.request.Request(words[-1], data=body, headers={"Accept": accept})
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = response.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    header, *rows = answer.splitlines()
    assert set(header.split(",")) == {"s", "p", "o"}
    assert rows, "the example query found triples"


# ------------------------------------------------------------------------------------- paths
def test_query_dataset_resolves_against_the_project_not_the_current_folder(governance, tmp_path, run_cli,
                                                                           monkeypatch):
    code, _, err = run_cli("--project", str(governance), "build", "-q")
    assert code == 0, err
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run_cli("--project", str(governance), "query", "--dataset", "dist/dataset.nt",
                             "--dataset", "dist/ontology.ttl", "--sparql",
                             "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a org:Organization }")
    assert code == 0, err
    assert int(out.splitlines()[1]) > 0
    code, _, err = run_cli("--project", str(governance), "query", "--dataset", "dist/missing.nt", "--sparql", "ASK {}")
    assert code == 2
    assert f"'--dataset': file '{governance / 'dist' / 'missing.nt'}' does not exist" in err


def test_publish_out_resolves_against_the_project(governance, tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("--project", str(governance), "publish", "--version", "1.0.0", "--no-check", "-q",
                           "--out", "site/1.0.0")
    assert code == 0, err
    assert (governance / "site" / "1.0.0" / "catalog.ttl").is_file()
    assert not (tmp_path / "site").exists()


# ------------------------------------------------------------------------------------- query --file
def test_query_file_gets_the_projects_prefixes(governance, tmp_path, run_cli):
    question = tmp_path / "members.rq"
    # no PREFIX line: org: and d: are the project's (ldpub.toml and its ontology), as with --sparql
    question.write_text("SELECT ?org WHERE { ?org a org:Organization } ORDER BY ?org LIMIT 3\n", encoding="utf-8")
    code, out, err = run_cli("--project", str(governance), "query", "--file", str(question), "--format", "csv")
    assert code == 0, err
    sparql = run_cli("--project", str(governance), "query", "--format", "csv", "--sparql",
                     question.read_text(encoding="utf-8"))
    assert (code, out) == sparql[:2]
    assert len(out.splitlines()) >= 2, "the organization is found"


def test_query_file_names_an_unknown_prefix(governance, tmp_path, run_cli):
    question = tmp_path / "typo.rq"
    question.write_text("SELECT ?org WHERE {\n  ?org a orgg:Organization\n}\n", encoding="utf-8")
    code, _, err = run_cli("--project", str(governance), "query", "--file", str(question))
    assert code == 2
    assert err.splitlines()[0] == (f"error: {question}:2:10: SPARQL syntax error: unknown prefix 'orgg:' "
                                   "(declare it: PREFIX orgg: <namespace IRI>)")


def test_serve_from_resolves_against_the_project(governance, tmp_path, run_cli):
    code, _, err = run_cli("--project", str(governance), "build", "-q")
    assert code == 0, err
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(governance), "serve", "--from", "dist",
                                "--port", str(port)], cwd=elsewhere, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ldpub_env(tmp_path), text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=process)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert out.startswith("serving "), err


def test_a_killed_servers_copy_is_removed_by_the_next_server(governance, tmp_path):
    import fcntl

    temp = tmp_path / "temp"
    temp.mkdir()
    env = ldpub_env(tmp_path, TMPDIR=str(temp))
    running = temp / "ldpub-serve-running"  # another live server's: its lock is held
    running.mkdir()
    held = os.open(running / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)
    foreign = temp / "ldpub-serve-nolock"  # not made by this ldpub (no lock file): left alone
    foreign.mkdir()

    def start() -> subprocess.Popen:
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "ldpub", "--project", str(governance), "serve", "--port",
                                    str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=process)
        return process

    killed = start()
    copies = {p.name for p in temp.iterdir()} - {"ldpub-serve-running", "ldpub-serve-nolock"}
    assert len(copies) == 1
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)
    killed.stderr.close()
    (left,) = copies
    assert (temp / left / "store").is_dir(), "SIGKILL gives no chance to clean up"
    second = start()
    try:
        assert not (temp / left).exists(), "the next server removed the copy of the killed one"
        assert running.is_dir() and foreign.is_dir()
    finally:
        second.send_signal(signal.SIGTERM)
        _, err = second.communicate(timeout=60)
        os.close(held)
    assert f"note: removed {temp / left}, the copy of the data of an ldpub server that was killed" in err
    assert {p.name for p in temp.iterdir()} == {"ldpub-serve-running", "ldpub-serve-nolock"}
