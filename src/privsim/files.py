"""Writing safely: atomic files, frames as Parquet or CSV, versions, and the output folders privsim owns.

A file is written under a temporary name beside its target and renamed into place, so a killed process
never leaves a half-written file. Every output folder carries a manifest naming what privsim wrote there:
privsim writes only into new or empty folders or folders it wrote before, replaces only its own files,
and never deletes or alters a file of the user's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from privsim.errors import InputError

if TYPE_CHECKING:   # pandas loads with the frame being written
    import pandas as pd

TMP = ".tmp-"
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "simpy", "scipy")


def temporary(path: Path) -> Path:
    """The temporary name ``path`` is written under before it is renamed into place."""
    return path.with_name(f"{path.name}{TMP}{os.getpid()}")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file under a temporary name, then rename it into place; failure is bad input naming the file."""
    tmp = temporary(path)
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError.single(str(path), f"cannot be written ({exc.strerror or type(exc).__name__})") from None


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """Write a frame as Parquet or CSV (by suffix), atomically."""
    tmp = temporary(path)
    if path.suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def versions() -> dict[str, str]:
    """Privsim and dependency versions, for the summaries of written results."""
    out = {}
    for name in ("privsim", *DEPENDENCIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


# ------------------------------------------------------------------ output folders privsim owns
OWNED = ".privsim.json"          # in every output folder: its kind and every file privsim wrote there
PARTIAL = ".privsim-partial-"    # a folder being written, beside its target: .privsim-partial-<name>-<pid>
SIGNATURES = (b"privsim lint", b'name="generator" content="privsim', b"# written by privsim")


def manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a privsim output folder, or None when it has none (or an unreadable one)."""
    try:
        data = json.loads((Path(folder) / OWNED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and isinstance(data.get("kind"), str) and isinstance(data.get("files"), list)
    return data if ok else None


def claim(target: Path, kind: str, *, force: bool = False, resume: bool = False) -> None:
    """Check that a ``kind`` folder may be written at ``target``, touching nothing; bad input if not.

    Allowed: a new or empty folder; an earlier privsim folder of the same kind with ``force`` (or ``resume``,
    for a sweep that carries on). Refused: a file, a folder holding files privsim did not write, a privsim
    folder of another kind.
    """
    target = Path(target)
    source = str(target)
    if target.exists() and not target.is_dir():
        raise InputError.single(source, "is a file, not a folder; allowed: a folder path (nothing was touched)")
    if not target.exists():
        for parent in target.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise InputError.single(source, f"{parent} is a file, not a folder; allowed: a folder path")
                if not os.access(parent, os.W_OK | os.X_OK):
                    raise InputError.single(source, f"{parent} is not writable; allowed: a folder you may write in")
                break
        return
    if not any(target.iterdir()):
        return
    found = manifest(target)
    if found is None:
        raise InputError.single(source, "holds files privsim did not write; allowed: a new or empty folder, or an "
                                "earlier privsim run folder (nothing was touched)")
    if found["kind"] != kind:
        raise InputError.single(source, f"holds a privsim {found['kind']} folder; allowed: a {kind} folder, a new "
                                "or an empty one (nothing was touched)")
    if not (force or resume):
        raise InputError.single(source, f"holds an earlier {kind}; allowed: --force to replace what privsim wrote "
                                "there, or another --out (nothing was touched)")


def write_manifest(folder: Path, kind: str, files: list[str]) -> None:
    """Record (atomically) which files of ``folder`` privsim wrote, so a later run may replace them."""
    write_atomic(Path(folder) / OWNED, json.dumps({"kind": kind, "files": sorted(set(files)), "pid": os.getpid()},
                                                 indent=1) + "\n")


def record_file(folder: Path, name: str) -> None:
    """Add one file to a privsim folder's manifest (a report written into a run folder)."""
    found = manifest(folder)
    if found is not None:
        write_manifest(folder, found["kind"], [*found["files"], name])


def _relative_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != OWNED)


@contextlib.contextmanager
def output_folder(target: Path, kind: str, *, force: bool = False) -> Iterator[Path]:
    """Yield a partial folder beside ``target``; on success its files replace what privsim wrote at ``target``.

    Nothing at ``target`` is touched until the whole result is ready; a user's own files in an earlier run
    folder stay where they are, and a killed run leaves only its partial folder (removed by a later run).
    """
    target = Path(target)
    claim(target, kind, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(str(target), f"cannot be created ({exc.strerror or type(exc).__name__})") from None
    clean_stale(target.parent)
    partial = target.parent / f"{PARTIAL}{target.name}-{os.getpid()}"
    try:
        partial.mkdir()
    except OSError as exc:
        raise InputError.single(str(target), f"cannot be written ({exc.strerror or type(exc).__name__})") from None
    write_manifest(partial, kind, [])      # marks the partial folder as privsim's own from the start
    try:
        yield partial
        write_manifest(partial, kind, _relative_files(partial))
        _install(partial, target)
    finally:
        if partial.exists():
            shutil.rmtree(partial)


def _install(partial: Path, target: Path) -> None:
    """Move a finished folder into place, replacing only the files the earlier manifest names."""
    if target.exists() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        partial.rename(target)
        return
    old = manifest(target)
    assert old is not None     # claim() refused anything else
    theirs = [n for n in _relative_files(partial) if (target / n).exists() and n not in old["files"]]
    if theirs:
        raise InputError.single(str(target), f"holds {', '.join(theirs[:3])} that privsim did not write; allowed: "
                                "another --out, or move them away (nothing was touched)")
    for name in old["files"]:
        path = target / name
        if path.is_file() and path.resolve().is_relative_to(target.resolve()):
            path.unlink()
    for name in _relative_files(partial):
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial / name, dest)
    os.replace(partial / OWNED, target / OWNED)
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()


def clean_stale(folder: Path) -> None:
    """Remove partial folders of killed runs: only privsim's own (its manifest inside) of a process now gone."""
    for path in Path(folder).glob(f"{PARTIAL}*"):
        pid = path.name.rsplit("-", 1)[-1]
        found = manifest(path)
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)) and found is not None \
                and str(found.get("pid")) == pid:
            shutil.rmtree(path, ignore_errors=True)


def clean_temporaries(folder: Path, own: list[str]) -> None:
    """Remove half-written temporaries of privsim's own files left by killed processes (``<file>.tmp-<pid>``)."""
    for name in own:
        path = Path(folder) / name
        for tmp in path.parent.glob(f"{path.name}{TMP}*"):
            pid = tmp.name.rsplit(TMP, 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_file(path: Path, *, force: bool = False) -> None:
    """Check that privsim may write the file ``path``: new, or a file privsim wrote before, or ``force``."""
    path = Path(path)
    if path.is_dir():
        raise InputError.single(str(path), "is a folder; allowed: a file path (nothing was touched)")
    if path.exists() and not (force or _signed(path)):
        raise InputError.single(str(path), "exists and privsim did not write it; allowed: --force to replace it, "
                                "or a new file name (nothing was touched)")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError.single(str(path), f"{parent} is not a folder you may write in; allowed: a writable path")


def _signed(path: Path) -> bool:
    """The file starts like one privsim writes (a lint report, an HTML report, a scenario it wrote)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(mark in head for mark in SIGNATURES)
