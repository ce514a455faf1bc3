"""Download source packages and unpack the files the corpus can use.

Each source gets two cache folders:

* ``<cache>/downloads/<name>/``: the files the registry client fetched, plus
  ``.complete`` once the download finished;
* ``<cache>/trees/<name>/``: ``source.json`` (name, version, licence) and
  ``files/``, holding only the files that map to a label and fit the size
  limit. A tree is reused while the fingerprint in its ``source.json``
  (source rules, size limit and label tables) matches.

Archives are read as streams with :mod:`tarfile` and :mod:`zipfile`, without
running ``dpkg-source``, so Debian patches are not applied.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from charseg_training.corpus import labels
from charseg_training.corpus.select import path_label
from charseg_training.sources import Source

logger = logging.getLogger(__name__)

SOURCE_META = "source.json"
UNKNOWN_LICENCE = "see package"


class FetchError(RuntimeError):
    """Raised when a registry client fails or returns no usable archive."""


def _run(command: list[str], cwd: Path, timeout_s: int) -> str:
    logger.debug("running %s in %s", command, cwd)
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise FetchError(f"{command[0]} timed out after {timeout_s} s") from exc
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise FetchError(
            f"{' '.join(command)} failed with exit status {result.returncode}: "
            + " | ".join(tail)
        )
    return result.stdout


def is_downloaded(source: Source, downloads_dir: Path) -> bool:
    """Return whether a complete download of ``source`` is in ``downloads_dir``."""
    return (downloads_dir / source.name / ".complete").exists()


def download(source: Source, downloads_dir: Path) -> Path:
    """Download ``source`` into ``downloads_dir/<name>`` unless already complete."""
    target = downloads_dir / source.name
    if is_downloaded(source, downloads_dir):
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if source.kind == "apt-source":
        _download_apt_source(source, target)
        (target / ".complete").write_text("")
        return target
    elif source.kind == "apt-deb":
        command = ["apt-get", "download", source.name]
    elif source.kind == "npm":
        command = ["npm", "pack", source.name, "--silent"]
    elif source.kind == "pip":
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", "--dest", ".", source.name,
        ]  # fmt: skip
    else:
        raise ValueError(f"source {source.name!r} has unknown kind {source.kind!r}")
    _run(command, target, source.timeout_s)
    (target / ".complete").write_text("")
    return target


def _download_apt_source(source: Source, target: Path) -> None:
    """Run ``apt-get source``, trying older versions when the newest is missing.

    NOTE: the mirror may lack the files of the newest version (404), for
    example for some security updates, so every version that ``apt-cache
    showsrc`` lists is tried, newest first.
    """
    command = ["apt-get", "source", "--download-only"]
    try:
        _run(command + [source.name], target, source.timeout_s)
        return
    except FetchError as exc:
        if "404" not in str(exc):
            raise
        first_error = exc
    if _has_upstream_tarball(target):
        # Only the Debian packaging (debian.tar.*) is missing: the upstream
        # files are all there, but the licence cannot be read from it.
        logger.warning(
            "%s: using the upstream tarball without Debian files: %s",
            source.name,
            first_error,
        )
        return
    listing = _run(["apt-cache", "showsrc", source.name], target, 60)
    versions = re.findall(r"^Version:\s*(\S+)", listing, re.M)
    for version in versions[1:]:
        for leftover in target.iterdir():
            leftover.unlink()
        try:
            _run(command + [f"{source.name}={version}"], target, source.timeout_s)
            logger.warning("%s: newest version missing; using %s", source.name, version)
            return
        except FetchError:
            continue
    raise first_error


def _has_upstream_tarball(target: Path) -> bool:
    """Return True if ``target`` has a ``.dsc`` and the upstream tarball it lists."""
    dsc = next(target.glob("*.dsc"), None)
    if dsc is None:
        return False
    names = re.findall(
        r"^ [0-9a-f]{32,64} \d+ (\S+)$", dsc.read_text(errors="replace"), re.M
    )
    upstream = [
        name
        for name in names
        if re.search(r"\.orig\.tar\.[a-z0-9]+$", name)
        or (".debian.tar." not in name and re.search(r"\.tar\.[a-z0-9]+$", name))
    ]
    return bool(upstream) and all((target / name).exists() for name in upstream)


# --- reading archives -------------------------------------------------------


def _strip_top(name: str) -> str:
    """Drop the first component of an archive path, such as ``django-5.2/``."""
    parts = PurePosixPath(name.removeprefix("./")).parts
    return "/".join(parts[1:])


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts


def _iter_tar_members(
    fileobj_or_path: Path | IO[bytes], rename, max_file_bytes: int, keep
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(path, data)`` for regular files of a tar stream that ``keep`` accepts.

    ``rename`` maps the archive name to the tree path (or None to skip) and
    ``keep(path, size, max_file_bytes)`` decides whether the content is read at all.
    """
    if isinstance(fileobj_or_path, Path):
        with tarfile.open(fileobj_or_path, mode="r|*") as archive:
            yield from _read_tar(archive, rename, max_file_bytes, keep)
    else:
        with tarfile.open(fileobj=fileobj_or_path, mode="r|*") as archive:
            yield from _read_tar(archive, rename, max_file_bytes, keep)


def _read_tar(
    archive: tarfile.TarFile, rename, max_file_bytes: int, keep
) -> Iterator[tuple[str, bytes]]:
    for member in archive:
        if not member.isfile():
            continue
        path = rename(member.name)
        if not path or not _safe(path):
            continue
        if not keep(path, member.size, max_file_bytes):
            continue
        handle = archive.extractfile(member)
        if handle is None:
            continue
        yield path, handle.read()


def _iter_zip_members(
    zip_path: Path, prefix: str, max_file_bytes: int, keep
) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            path = prefix + info.filename
            if not _safe(path) or not keep(path, info.file_size, max_file_bytes):
                continue
            yield path, archive.read(info)


# --- licences and versions --------------------------------------------------


def debian_copyright_licence(text: str) -> str:
    """Return the licence of the ``Files: *`` paragraph of a Debian copyright file.

    Falls back to the first ``License:`` field, then to "see package" for
    files not in the machine-readable format.
    """
    first = None
    for paragraph in re.split(r"\n\s*\n", text):
        fields = dict(
            (match.group(1).lower(), match.group(2).strip())
            for match in re.finditer(r"^([A-Za-z-]+):[ \t]*(.*)$", paragraph, re.M)
        )
        licence = fields.get("license")
        if not licence:
            continue
        if first is None:
            first = licence
        if fields.get("files", "").split() == ["*"]:
            return licence
    return first or UNKNOWN_LICENCE


def pkg_info_licence(text: str) -> str:
    """Return the licence named in a PKG-INFO file, or "see package"."""
    message = email.parser.Parser().parsestr(text, headersonly=True)
    for key in ("License-Expression", "License"):
        value = (message.get(key) or "").strip()
        if value and value.upper() != "UNKNOWN" and "\n" not in value:
            return value
    classifiers = [
        value.split("::")[-1].strip()
        for value in message.get_all("Classifier") or []
        if value.startswith("License ::")
    ]
    return ", ".join(classifiers) or UNKNOWN_LICENCE


# --- unpacking ---------------------------------------------------------------


def _keep_filter(source: Source):
    def keep(path: str, size: int, max_file_bytes: int) -> bool:
        if size > max_file_bytes or size == 0:
            return False
        return path_label(path, source) is not None

    return keep


class _TreeWriter:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0

    def write(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1


def _unpack_apt_source(
    source: Source, download_dir: Path, writer: _TreeWriter, max_file_bytes: int
) -> tuple[str, str]:
    dsc = next(download_dir.glob("*.dsc"), None)
    if dsc is None:
        raise FetchError(f"no .dsc file in {download_dir}")
    version_match = re.search(
        r"^Version:\s*(\S+)", dsc.read_text(errors="replace"), re.M
    )
    version = version_match.group(1) if version_match else "unknown"
    licence = UNKNOWN_LICENCE
    keep = _keep_filter(source)
    for archive in sorted(download_dir.glob("*.tar.*")):
        if archive.name.endswith(".asc"):
            continue
        component = re.search(r"\.orig-([A-Za-z0-9-]+)\.tar\.", archive.name)
        is_debian = ".debian.tar." in archive.name
        prefix = f"{component.group(1)}/" if component else ""

        def rename(name: str, prefix: str = prefix, is_debian: bool = is_debian):
            if is_debian:
                # debian.tar.* contains debian/... without a top folder.
                return name.removeprefix("./")
            stripped = _strip_top(name)
            return prefix + stripped if stripped else None

        def keep_or_copyright(path: str, size: int, limit: int, is_debian=is_debian):
            if path == "debian/copyright":
                return True
            if is_debian or path.startswith("debian/"):
                return False
            return keep(path, size, limit)

        for path, data in _iter_tar_members(
            archive, rename, max_file_bytes, keep_or_copyright
        ):
            if path == "debian/copyright":
                licence = debian_copyright_licence(data.decode("utf-8", "replace"))
                continue
            writer.write(path, data)
    return version, licence


def _unpack_apt_deb(
    source: Source, download_dir: Path, writer: _TreeWriter, max_file_bytes: int
) -> tuple[str, str]:
    deb = next(download_dir.glob("*.deb"), None)
    if deb is None:
        raise FetchError(f"no .deb file in {download_dir}")
    version = _run(["dpkg-deb", "--field", deb.name, "Version"], download_dir, 60)
    licence = UNKNOWN_LICENCE
    copyright_path = f"usr/share/doc/{source.name}/copyright"
    keep = _keep_filter(source)

    def rename(name: str) -> str:
        return name.removeprefix("./")

    def keep_member(path: str, size: int, limit: int) -> bool:
        if path in (copyright_path, source.inner_zip):
            return True
        return keep(path, size, limit)

    process = subprocess.Popen(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        for path, data in _iter_tar_members(
            process.stdout, rename, max_file_bytes, keep_member
        ):
            if path == copyright_path:
                licence = debian_copyright_licence(data.decode("utf-8", "replace"))
            elif path == source.inner_zip:
                with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
                    handle.write(data)
                    handle.flush()
                    prefix = path.rsplit("/", 1)[0] + "/src/"
                    for inner_path, inner_data in _iter_zip_members(
                        Path(handle.name), prefix, max_file_bytes, keep
                    ):
                        writer.write(inner_path, inner_data)
            else:
                writer.write(path, data)
    finally:
        process.stdout.close()
        if process.wait() != 0:
            raise FetchError(f"dpkg-deb --fsys-tarfile {deb.name} failed")
    return version.strip(), licence


def _unpack_npm(
    source: Source, download_dir: Path, writer: _TreeWriter, max_file_bytes: int
) -> tuple[str, str]:
    tarball = next(download_dir.glob("*.tgz"), None)
    if tarball is None:
        raise FetchError(f"no .tgz file in {download_dir}")
    version, licence = "unknown", UNKNOWN_LICENCE
    keep = _keep_filter(source)

    def keep_member(path: str, size: int, limit: int) -> bool:
        return path == "package.json" or keep(path, size, limit)

    for path, data in _iter_tar_members(
        tarball, _strip_top, max_file_bytes, keep_member
    ):
        if path == "package.json":
            try:
                package = json.loads(data)
                version = str(package.get("version", version))
                licence = str(package.get("license") or licence)
            except (json.JSONDecodeError, AttributeError) as exc:
                logger.warning("%s: invalid package.json: %s", source.name, exc)
            if not keep(path, len(data), max_file_bytes):
                continue
        writer.write(path, data)
    return version, licence


def _unpack_pip(
    source: Source, download_dir: Path, writer: _TreeWriter, max_file_bytes: int
) -> tuple[str, str]:
    archive = next(
        (
            p
            for p in download_dir.iterdir()
            if p.name.endswith((".tar.gz", ".zip", ".tar.bz2"))
        ),
        None,
    )
    if archive is None:
        raise FetchError(f"no sdist in {download_dir}")
    version, licence = "unknown", UNKNOWN_LICENCE
    keep = _keep_filter(source)

    def keep_member(path: str, size: int, limit: int) -> bool:
        return path == "PKG-INFO" or keep(path, size, limit)

    if archive.suffix == ".zip":
        members = _iter_zip_members(archive, "", max_file_bytes, lambda *_: True)
        members = ((_strip_top(p), d) for p, d in members)
        members = ((p, d) for p, d in members if keep_member(p, len(d), max_file_bytes))
    else:
        members = _iter_tar_members(archive, _strip_top, max_file_bytes, keep_member)
    for path, data in members:
        if path == "PKG-INFO":
            text = data.decode("utf-8", "replace")
            version_match = re.search(r"^Version:\s*(\S+)", text, re.M)
            version = version_match.group(1) if version_match else version
            licence = pkg_info_licence(text)
            continue
        writer.write(path, data)
    return version, licence


def _unpack_dir(
    source: Source, writer: _TreeWriter, max_file_bytes: int
) -> tuple[str, str]:
    if not source.directory:
        raise ValueError(f"dir source {source.name!r} has no directory")
    root = Path(source.directory)
    if not root.is_dir():
        raise FetchError(f"{root} is not a directory")
    keep = _keep_filter(source)
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(root).as_posix()
            if keep(relative, path.stat().st_size, max_file_bytes):
                writer.write(relative, path.read_bytes())
    return "local", UNKNOWN_LICENCE


def unpack(
    source: Source, download_dir: Path | None, tree_dir: Path, max_file_bytes: int
) -> dict:
    """Unpack the usable files of a downloaded source into ``tree_dir``.

    Returns the metadata written to ``tree_dir/source.json``.
    """
    if tree_dir.exists():
        shutil.rmtree(tree_dir)
    files_dir = tree_dir / "files"
    files_dir.mkdir(parents=True)
    writer = _TreeWriter(files_dir)
    if source.kind == "dir":
        version, licence = _unpack_dir(source, writer, max_file_bytes)
    else:
        assert download_dir is not None
        unpackers = {
            "apt-source": _unpack_apt_source,
            "apt-deb": _unpack_apt_deb,
            "npm": _unpack_npm,
            "pip": _unpack_pip,
        }
        version, licence = unpackers[source.kind](
            source, download_dir, writer, max_file_bytes
        )
    meta = {
        "fingerprint": unpack_fingerprint(source, max_file_bytes),
        "name": source.name,
        "kind": source.kind,
        "version": version,
        "licence": licence,
        "files": writer.files,
        "max_file_bytes": max_file_bytes,
    }
    (tree_dir / SOURCE_META).write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def unpack_fingerprint(source: Source, max_file_bytes: int) -> str:
    """Return a hash of everything that decides which files a tree keeps."""
    rules = repr((source, max_file_bytes, labels.NAME_LABELS, labels.EXTENSION_LABELS))
    return hashlib.sha1(rules.encode()).hexdigest()


def fetch(
    source: Source, cache_dir: Path, max_file_bytes: int, offline: bool = False
) -> tuple[Path, dict]:
    """Download and unpack ``source`` unless its tree is already cached.

    Returns the tree's ``files`` folder and its metadata. With ``offline``, a
    tree built under other rules is unpacked again only from a cached
    download, and :class:`FetchError` is raised where that would need the
    network.
    """
    cache_dir = cache_dir.resolve()
    tree_dir = cache_dir / "trees" / source.name
    meta_path = tree_dir / SOURCE_META
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("fingerprint") == unpack_fingerprint(source, max_file_bytes):
            return tree_dir / "files", meta
    download_dir = None
    if source.kind != "dir":
        downloads = cache_dir / "downloads"
        if offline and not is_downloaded(source, downloads):
            raise FetchError(
                "its cached tree was built with other file rules or size limits, "
                "and --offline forbids downloading it again; run without --offline"
            )
        download_dir = download(source, downloads)
    meta = unpack(source, download_dir, tree_dir, max_file_bytes)
    return tree_dir / "files", meta


__all__ = [
    "FetchError",
    "debian_copyright_licence",
    "download",
    "fetch",
    "pkg_info_licence",
    "unpack",
]
