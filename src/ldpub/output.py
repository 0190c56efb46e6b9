"""Output sets written all or nothing, moved into place in one step, one writer at a time.

Every command that writes a set of files (``build``, ``publish``, ``init``) goes through
:class:`OutputSet`; single files (``validate -o``) through :func:`write_file`. The guarantees:

* **All or nothing.** Files are written into a staging folder first; the output folder is
  not touched until every file is complete. A failed or interrupted run leaves the previous
  output byte-identical.
* **One step.** The staging folder, a sibling of the output folder (same file system), is
  swapped with it by one ``rename``: ``renameat2(RENAME_EXCHANGE)`` on Linux,
  ``renamex_np(RENAME_SWAP)`` on macOS. A reader sees the whole old set or the whole new
  one. The output stays a plain folder of files (``dist/`` is committed to git: no symlink
  or pointer file, so ``git diff dist/`` shows the data's changes).
* **In place, where a swap is impossible** (the output folder is a mount point, its parent
  cannot be written, the file system or platform has no exchange, or the folder holds
  sub-folders that are not ours): staging goes *inside* the output folder and the files
  are replaced one by one (each ``rename`` atomic) after hard-link backups of the old ones;
  a failure rolls every file back; a journal lets the next run restore the previous set if
  the process was killed midway. Readers may see a mix for the milliseconds of the moves.
* **One writer.** ``OUT/.ldpub.lock`` (``flock``, released by the kernel when the process
  dies, even by SIGKILL) refuses a second run into the same folder with a message naming
  the process that holds it.
* **Leftovers are cleaned.** Staging folders of runs that died (``.OUT.tmp-PID-X`` beside the
  output, ``OUT/.ldpub.tmp-PID-X`` inside it) are removed, or rolled back, by the next run,
  with a note (``notify``).

Layout on disk::

    parent/out/                      the output: plain files
    parent/out/.ldpub.lock           while a run writes: pid, host, command, start
    parent/.out.tmp-PID-HEX/         staging of a run (swap)
    parent/out/.ldpub.tmp-PID-HEX/   staging of a run (in place): new/, old/, journal.json

Files and folders get the usual permissions (``0666``/``0777`` less the umask; a swapped
output folder keeps the permissions of the one it replaces).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Callable, Iterable

from .errors import OutputError

__all__ = ["OutputSet", "FolderLock", "write_files", "write_file", "write_error", "is_internal", "LOCK_NAME",
           "STRATEGIES"]

LOCK_NAME = ".ldpub.lock"
_INNER_PREFIX = ".ldpub.tmp-"
_INNER_STAGING = re.compile(r"^\.ldpub\.tmp-(\d+)-[0-9a-f]+$")
_JOURNAL = "journal.json"
# errors of a swap that an in-place commit can work around
_NO_SWAP = {errno.EXDEV, errno.EBUSY, errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EACCES,
            getattr(errno, "ENOTSUP", errno.EOPNOTSUPP), errno.EOPNOTSUPP}

Notify = Callable[[str], None]


def write_error(exc: OSError, where: Path | str) -> OutputError:
    """The error for an output file that could not be written (the file named, else ``where``)."""
    reason = exc.strerror or (exc.args[0] if exc.args else None) or type(exc).__name__
    if isinstance(reason, str) and "No space left" in reason:
        reason = "No space left on device"  # some writers (pyoxigraph) wrap it in a longer text
    return OutputError.at(f"cannot write output: {reason}", exc.filename or where)


def is_internal(name: str) -> bool:
    """Whether an entry of an output folder is ldpub's own bookkeeping (the lock, a staging folder)."""
    return name == LOCK_NAME or name.startswith(_INNER_PREFIX)


def _sibling_pattern(out: Path) -> re.Pattern:
    return re.compile(r"^\." + re.escape(out.name) + r"\.tmp-(\d+)-[0-9a-f]+$")


def _token() -> str:
    return f"{os.getpid()}-{os.urandom(4).hex()}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _default_notify(message: str) -> None:
    import logging

    logging.getLogger("ldpub.output").warning(message)


# ---------------------------------------------------------------------------------- the lock
class FolderLock:
    """An exclusive lock on an output folder: ``FOLDER/.ldpub.lock``, held with ``flock``.

    The kernel drops the lock when the process ends, however it ends; the file then stays
    behind, unlocked, and the next run takes it over. Holding it means no other ldpub run
    writes into the folder (nor moves it away) until :meth:`release`.
    """

    def __init__(self, folder: Path, fd: int | None) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.fd = fd

    @classmethod
    def acquire(cls, folder: Path, display: Path | None = None) -> "FolderLock":
        """Take the lock of ``folder`` (which must exist) or raise :class:`OutputError` naming its holder."""
        try:
            import fcntl
        except ImportError:  # no flock (Windows): one writer is not enforced
            return cls(folder, None)
        path = folder / LOCK_NAME
        shown = display or folder
        for _ in range(50):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise OutputError.at(f"cannot write into the output folder: {exc.strerror}", shown) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_holder(fd)
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise OutputError.at(f"another ldpub run is writing this folder ({holder})", shown,
                                         hint="wait until it has finished, or write somewhere else") from None
                raise OutputError.at(f"cannot lock the output folder: {exc.strerror}", shown) from exc
            if _same_file(fd, path):  # not unlinked (or swapped away) by the previous holder meanwhile
                lock = cls(folder, fd)
                lock._describe()
                return lock
            os.close(fd)
        raise OutputError.at("cannot lock the output folder: it keeps changing", shown)

    def _describe(self) -> None:
        import socket
        import sys
        import time

        program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
        program = "ldpub" if program in ("__main__.py", "ldpub") else program  # python -m ldpub, or a script
        program = f"python {program}" if program.startswith("-") else program  # python -c
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join([program, *sys.argv[1:]])[:300],
                "started": time.strftime("%Y-%m-%d %H:%M:%S %z")}
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, (json.dumps(info) + "\n").encode("utf-8"), 0)
        except OSError:
            pass  # the lock holds without its description

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and drop the lock."""
        if self.fd is None:
            return
        try:
            if _same_file(self.fd, self.path):
                os.unlink(self.path)
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read_holder(fd: int) -> str:
    import socket

    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "it has just started"
    where = "" if info.get("host") in (None, socket.gethostname()) else f" on {info['host']}"
    parts = [f"process {info['pid']}{where}"]
    if info.get("command"):
        parts.append(f"'{info['command']}'")
    if info.get("started"):
        parts.append(f"since {info['started']}")
    return ", ".join(parts)


# ----------------------------------------------------------------------------- swap of folders
def _exchange(first: Path, second: Path) -> None:
    """Swap two folders on one file system in one step (raises OSError when the system cannot)."""
    import ctypes
    import sys

    libc = ctypes.CDLL(None, use_errno=True)
    a, b = os.fsencode(str(first)), os.fsencode(str(second))
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        call = libc.renameat2
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = call(at_fdcwd, a, at_fdcwd, b, rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        call = libc.renamex_np
        call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = call(a, b, rename_swap)
    else:
        raise OSError(errno.ENOSYS, "no atomic exchange of folders on this system", str(second))
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


class _SwapRefused(Exception):
    """The system cannot swap these two folders (another file system, a mount point...)."""


def _replace(source: Path, target: Path) -> None:
    """Move one staged file over its target (atomic on one file system)."""
    os.replace(source, target)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder below ``folder`` to disk (before it becomes the output)."""
    for root, dirs, files in os.walk(folder):
        for name in files:
            _fsync_path(Path(root) / name)
        _fsync_path(Path(root))


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _top(name: str) -> str:
    return name.replace("\\", "/").split("/", 1)[0]


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------ the output set
class OutputSet:
    """Stage a set of files for ``out_dir``, then :meth:`commit` them in one step.

    Write the files into :attr:`path`. Leaving the ``with`` block without committing throws
    the staged files away; the output folder is as it was. ``replace``: the committed set
    is the whole folder (a release); otherwise entries of the folder that the set does not
    name are kept (they move over by hard link). ``notify`` receives a sentence for each
    leftover of an earlier run that was cleaned up. ``strategy``: ``"swap"`` or
    ``"in-place"`` (default: a swap where possible).

    >>> with OutputSet(Path("dist")) as staged:            # doctest: +SKIP
    ...     (staged.path / "a.txt").write_text("a")
    ...     staged.commit(["a.txt"])
    """

    def __init__(self, out_dir: Path, *, replace: bool = False, notify: Notify | None = None,
                 strategy: str | None = None) -> None:
        self.display = Path(out_dir)
        self.replace = replace
        self.notify = notify or _default_notify
        self.committed = False
        self.keep_staging = False  # a rollback that failed: the previous files are kept in it
        self.lock: FolderLock | None = None
        try:
            self.created = not os.path.lexists(self.display)
            self.display.mkdir(parents=True, exist_ok=True)
            self.out = Path(os.path.realpath(self.display))  # a symlinked output: its target is written
        except OSError as exc:
            raise OutputError.at(f"cannot create the output folder: {exc.strerror}", self.display) from exc
        self.lock = FolderLock.acquire(self.out, self.display)
        try:
            self._clean_leftovers()
            self.strategy = strategy or self._choose_strategy()
            self._make_staging()
        except BaseException:
            self._release()
            raise

    # --- setting up
    def _choose_strategy(self) -> str:
        if os.path.ismount(self.out) or not os.access(self.out.parent, os.W_OK | os.X_OK):
            return "in-place"
        try:
            here = Path(os.path.realpath(os.getcwd()))
        except OSError:
            here = None
        if here is not None and (here == self.out or self.out in here.parents):
            return "in-place"  # swapped away, the folder we stand in would be an empty, deleted one
        if not self.replace:
            try:
                for entry in os.scandir(self.out):
                    if not is_internal(entry.name) and entry.is_dir(follow_symlinks=False):
                        return "in-place"  # sub-folders that are not ours are not moved about
            except OSError:
                return "in-place"
        return "swap"

    def _make_staging(self) -> None:
        try:
            if self.strategy == "swap":
                self.root = self.out.parent / f".{self.out.name}.tmp-{_token()}"
                os.mkdir(self.root, 0o777)
                self.path = self.root
            else:
                self.root = self.out / f"{_INNER_PREFIX}{_token()}"
                os.mkdir(self.root, 0o700)
                self.path = self.root / "new"
                os.mkdir(self.path, 0o777)
        except OSError as exc:
            if self.strategy == "swap":  # e.g. a parent we may not write after all
                self.strategy = "in-place"
                return self._make_staging()
            raise OutputError.at(f"cannot create a staging folder: {exc.strerror}", self.display) from exc

    def _clean_leftovers(self) -> None:
        """Remove (or roll back) what runs that died left behind: staging beside and inside the output."""
        pattern = _sibling_pattern(self.out)
        try:
            beside = [e for e in os.scandir(self.out.parent) if pattern.match(e.name)]
        except OSError:
            beside = []
        for entry in beside:
            pid = int(pattern.match(entry.name).group(1))
            if pid != os.getpid() and _pid_alive(pid):
                continue  # a run that has swapped its files in and is removing the old ones
            _rmtree(Path(entry.path))
            self.notify(f"removed {entry.path}, left behind by an ldpub run (process {pid}) that stopped "
                        "before it finished")
        try:
            inside = [e for e in os.scandir(self.out) if _INNER_STAGING.match(e.name)]
        except OSError:
            inside = []
        for entry in inside:  # we hold the lock: whoever staged these is gone
            pid = int(_INNER_STAGING.match(entry.name).group(1))
            root = Path(entry.path)
            if (root / _JOURNAL).is_file():
                problems = _roll_back(self.out, root, _read_journal(root))
                if problems:
                    raise OutputError.at(f"an interrupted ldpub run (process {pid}) left files half moved and they "
                                         f"cannot be restored: {problems[0]}", self.display,
                                         hint=f"the previous files are kept in {root / 'old'}")
                self.notify(f"restored the previous output in {self.display}: an ldpub run (process {pid}) was "
                            "stopped while it moved its files into place")
            else:
                self.notify(f"removed {root}, left behind by an ldpub run (process {pid}) that stopped before "
                            "it finished")
            _rmtree(root)

    # --- the context manager
    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def discard(self) -> None:
        """Throw the staged files away (if not committed) and release the folder."""
        if self.lock is None:
            return
        if not self.keep_staging:  # before a commit: the new files; after: what is left of the old ones
            _rmtree(self.root)
        self._release()

    def _release(self) -> None:
        self.lock.release()
        self.lock = None
        if self.created and not self.committed:  # a folder made for a run that wrote nothing
            try:
                os.rmdir(self.out)
            except OSError:
                pass

    def stage(self, files: dict) -> None:
        """Write ``files`` (relative name -> bytes, or a function writing the staged path) into :attr:`path`."""
        try:
            for name, content in files.items():
                target = self.path / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if callable(content):
                    content(target)
                else:
                    target.write_bytes(content)
        except OSError as exc:
            raise write_error(exc, self.display) from exc

    # --- committing
    def commit(self, names: Iterable[str]) -> list[Path]:
        """Move the staged files ``names`` into the output folder in one step; their final paths."""
        names = list(names)
        try:
            for name in names:
                if not (self.path / name).is_file():
                    raise OutputError.at(f"cannot write output: {name} was not written", self.display)
            _fsync_tree(self.path)
            if self.strategy == "swap":
                try:
                    self._swap(names)
                except _SwapRefused:
                    self._move_inside()
                    self._in_place(names)
            else:
                self._in_place(names)
        except OSError as exc:
            raise write_error(exc, self.display) from exc
        self.committed = True
        _fsync_path(self.out)
        self.discard()
        return [self.display / name for name in names]

    def _swap(self, names: list[str]) -> None:
        tops = {_top(n) for n in names}
        if not self.replace:  # keep the folder's other files
            for entry in os.scandir(self.out):
                if entry.name in tops or is_internal(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):  # not ours to move about: write in place
                    raise _SwapRefused()
                try:
                    os.link(entry.path, self.root / entry.name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, self.root / entry.name, follow_symlinks=False)
        os.chmod(self.root, stat.S_IMODE(os.stat(self.out).st_mode))
        try:
            _exchange(self.root, self.out)
        except OSError as exc:
            if exc.errno in _NO_SWAP:
                raise _SwapRefused() from exc
            raise
        # the old output (with our lock file in it) is now at self.root: the lock file goes with it
        self.committed = True
        self.lock.release()
        _rmtree(self.root)

    def _move_inside(self) -> None:
        """Switch a swap that the system refused to an in-place commit (staging moved inside)."""
        outer = self.root
        self.strategy = "in-place"
        self._make_staging()
        os.rmdir(self.path)
        shutil.move(str(outer), str(self.path))

    def _in_place(self, names: list[str]) -> None:
        out, root = self.out, self.root
        old = root / "old"
        os.mkdir(old, 0o700)
        removed = [n for n in _files_below(out) if n not in set(names)] if self.replace else []
        existed = [n for n in names if os.path.lexists(out / n)]
        made = sorted({parent.as_posix() for n in names for parent in Path(n).parents
                       if parent.parts and not os.path.lexists(out / parent)}, key=lambda d: d.count("/"))
        for name in existed:  # phase 1: backups of the files to be replaced (the output is untouched)
            (old / name).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out / name, old / name, follow_symlinks=False)
            except OSError:
                shutil.copy2(out / name, old / name, follow_symlinks=False)
        journal = {"pid": os.getpid(), "names": names, "existed": existed, "removed": removed, "made": made}
        tmp = root / (_JOURNAL + ".tmp")
        tmp.write_text(json.dumps(journal), encoding="utf-8")
        _fsync_path(tmp)
        os.replace(tmp, root / _JOURNAL)
        _fsync_path(root)
        try:  # phase 2: the moves (a failure rolls every one back)
            for name in removed:
                (old / name).parent.mkdir(parents=True, exist_ok=True)
                os.rename(out / name, old / name)
            for folder in made:
                os.mkdir(out / folder)
            for name in names:
                _replace(self.path / name, out / name)
        except OSError as exc:
            problems = _roll_back(out, root, journal)
            if problems:
                self.keep_staging = True
                raise OutputError.at(f"cannot write output: {exc.strerror}; restoring the previous files failed too "
                                     f"({problems[0]})", exc.filename or self.display,
                                     hint=f"the previous files are kept in {old}; the next run restores them") from exc
            raise
        os.unlink(root / _JOURNAL)
        _remove_empty_parents(out, removed)


def _files_below(folder: Path) -> list[str]:
    """Every file (or link) below ``folder`` but ldpub's own, as relative names."""
    found = []
    for entry in os.scandir(folder):
        if is_internal(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            found.extend(f"{entry.name}/{name}" for name in _files_below(Path(entry.path)))
        else:
            found.append(entry.name)
    return sorted(found)


def _remove_empty_parents(out: Path, names: list[str]) -> None:
    """Remove the folders, deepest first, that ``names`` leaving made empty (those still holding something stay)."""
    folders = {parent for n in names for parent in Path(n).parents if parent.parts}
    for folder in sorted(folders, key=lambda f: -len(f.parts)):
        try:
            os.rmdir(out / folder)
        except OSError:
            pass


def _read_journal(root: Path) -> dict:
    try:
        journal = json.loads((root / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"names": [], "existed": [], "removed": []}
    return journal if isinstance(journal, dict) else {"names": [], "existed": [], "removed": []}


def _roll_back(out: Path, root: Path, journal: dict) -> list[str]:
    """Put the previous files back (from ``root/old``) after a failed or killed in-place commit.

    Returns what could not be restored (empty when everything is back as it was).
    """
    old, problems = root / "old", []
    existed = set(journal.get("existed", []))
    for name in journal.get("names", []):
        try:
            if name in existed:
                if os.path.lexists(old / name):
                    os.replace(old / name, out / name)
            elif os.path.lexists(out / name):
                os.unlink(out / name)  # new in the failed set, absent before it
        except OSError as exc:
            problems.append(f"{name}: {exc.strerror}")
    for name in journal.get("removed", []):
        try:
            if os.path.lexists(old / name) and not os.path.lexists(out / name):
                os.rename(old / name, out / name)
        except OSError as exc:
            problems.append(f"{name}: {exc.strerror}")
    for folder in reversed(journal.get("made", [])):  # folders the failed set made, deepest first
        try:
            os.rmdir(out / folder)
        except OSError:
            pass  # not made after all, or holding something: left
    return problems


# -------------------------------------------------------------------------------- entry points
STRATEGIES = ("swap", "in-place")


def write_files(out_dir: Path, files: dict, *, replace: bool = False, notify: Notify | None = None,
                strategy: str | None = None) -> list[Path]:
    """Write ``files`` (relative name -> content) into ``out_dir`` all or nothing, in one step.

    A content is bytes, or a function taking the staged path and writing the file itself
    (streaming writers: a large file is never held in memory as a whole). ``replace``: the
    files become the whole folder (nothing else is kept). See :class:`OutputSet`.
    """
    with OutputSet(out_dir, replace=replace, notify=notify, strategy=strategy) as staged:
        staged.stage(files)
        return staged.commit(list(files))


def write_file(path: Path, data: bytes, *, notify: Notify | None = None) -> Path:
    """Write one file atomically: a temporary file beside it, then renamed over it.

    Permissions are the usual ones (``0666`` less the umask), not those of a temporary file.
    Temporary files that runs which died left beside it are removed (``notify`` says so).
    """
    path = Path(path)
    pattern = _sibling_pattern(path)
    try:
        stale = [e for e in os.scandir(path.parent) if pattern.match(e.name)]
    except OSError:
        stale = []
    for entry in stale:
        pid = int(pattern.match(entry.name).group(1))
        if not _pid_alive(pid) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            (notify or _default_notify)(f"removed {entry.path}, left behind by an ldpub run (process {pid}) "
                                        "that stopped before it finished")
    tmp = path.parent / f".{path.name}.tmp-{_token()}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError.at(f"cannot write {path.name}: {exc.strerror}", path) from exc
    return path
