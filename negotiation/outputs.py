"""Writing output files: atomic, checked early, and all-or-nothing for several files.

Every file the package writes (reports, figures, the brief and its annex, the
scenario pages) goes through :func:`write_files`:

* each file is first written in full to a temporary file next to its target,
  then renamed over it, so a reader never sees half a file;
* with several files, nothing is renamed until every one has been written,
  and a failure while renaming puts the previous files back: either all the
  files are new or none is (files that did not exist before are removed);
* directories the call had to create are removed again on failure.

Problems with an output path (missing directory, a directory where a file
should go, no permission, a full disk) raise :class:`OutputError`, a
:class:`~negotiation.errors.NegotiationError`; the command line prints its
one-line message and exits with status 2.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping

from .errors import NegotiationError

__all__ = [
    "OutputError",
    "check_output_dir",
    "check_output_path",
    "write_atomic",
    "write_files",
]


class OutputError(NegotiationError):
    """An output file cannot be written (bad path, missing directory, I/O failure)."""


def check_output_path(path: str) -> None:
    """Fail early when ``path`` cannot be a file we write (before a long computation).

    Refused: a directory, anything that exists and is not a regular file (a
    named pipe, a device such as ``/dev/null``, a socket: replacing it would
    destroy it), and any file this process has read as input.
    """
    import stat

    from .scenario.source import INPUTS

    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory; give a file name")
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{path}: exists and is not a regular file (a device, pipe or "
                "socket); refusing to replace it"
            )
        if (info.st_dev, info.st_ino) in INPUTS:
            raise OutputError(f"{path}: is an input file of this command; refusing to overwrite it")
    if not os.path.isdir(directory):
        raise OutputError(f"{path}: output directory {directory} does not exist")


def check_output_dir(path: str) -> None:
    """Fail early when ``path`` cannot be (or become) a directory we write into."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise OutputError(f"{path}: exists and is not a directory")


def write_atomic(path: str, data: str | bytes) -> None:
    """Write one file all at once: a failed run never leaves a partial file."""
    write_files({path: data})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _make_dirs(directory: str, created: list[str]) -> None:
    """Create ``directory`` and missing parents, recording what was created."""
    missing = []
    d = directory
    while d and not os.path.isdir(d):
        missing.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for d in reversed(missing):
        os.mkdir(d)
        created.append(d)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_files(files: Mapping[str, str | bytes], *, make_dirs: bool = False) -> list[str]:
    """Write every ``path: data`` of ``files``, all or nothing; returns the paths.

    ``str`` data is written as UTF-8 text, ``bytes`` as is. With
    ``make_dirs`` missing directories are created (and removed again if the
    write fails); otherwise a missing directory is an :class:`OutputError`.
    """
    paths = [os.fspath(p) for p in files]
    for path in paths:
        if os.path.isdir(path):
            raise OutputError(f"{path}: is a directory; give a file name")
        if not make_dirs or os.path.lexists(path):
            check_output_path(path)
    created: list[str] = []
    staged: dict[str, str] = {}  # target -> temporary file with the new contents
    backups: dict[str, str] = {}  # target -> temporary name of the previous file
    done: list[str] = []
    mode = 0o666 & ~_umask()
    current = paths[0] if paths else ""
    try:
        for path, data in zip(paths, files.values()):
            current = path
            directory = os.path.dirname(os.path.abspath(path))
            if make_dirs:
                _make_dirs(directory, created)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
            staged[path] = tmp
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.chmod(tmp, mode)  # mkstemp makes 0600; give the usual file mode
        for path in paths:
            current = path
            if len(paths) > 1 and os.path.exists(path):
                fd, backup = tempfile.mkstemp(
                    dir=os.path.dirname(os.path.abspath(path)),
                    prefix=".old-",
                    suffix=os.path.basename(path),
                )
                os.close(fd)
                os.replace(path, backup)
                backups[path] = backup
            os.replace(staged[path], path)
            del staged[path]
            done.append(path)
    except BaseException as exc:
        for path in reversed(done):  # put back what was there before
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                _remove(path)
        for path, backup in backups.items():
            if path not in done:
                os.replace(backup, path)
        for tmp in staged.values():
            _remove(tmp)
        for d in reversed(created):
            try:
                os.rmdir(d)
            except OSError:
                pass
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise OutputError(f"{current}: cannot write: {reason}") from exc
        raise
    for backup in backups.values():
        _remove(backup)
    return paths
