"""Content-addressed storage for dossier documents, behind Django's storage API.

A document is stored under the SHA-256 of its bytes, ``ab/cd/abcd…<64 hex><ext>``, whatever
name was asked for: the same document uploaded twice is stored once, a name can never point
to different bytes, and the stored name doubles as an integrity check.

Local disk is the default (``STORAGES["dossier_files"]`` in settings). The naming lives in
``ContentAddressedMixin`` and uses only the public storage API (``exists``, ``size``,
``_save``), so an S3-compatible server (MinIO, Ceph, a provincial cloud) needs only::

    # pip install "django-storages[s3]"
    from storages.backends.s3 import S3Storage

    class S3ContentAddressedStorage(ContentAddressedMixin, S3Storage):
        pass

    STORAGES["dossier_files"] = {
        "BACKEND": "motcua.dossiers.storage.S3ContentAddressedStorage",
        "OPTIONS": {
            "bucket_name": "motcua-dossiers",
            "endpoint_url": "https://s3.example.gov.vn",
            "default_acl": "private",
            "querystring_auth": True,
            # Keep exists() a real lookup (django-storages 1.14.4 answers False otherwise).
            "file_overwrite": False,
        },
    }

Names stay the same across backends, so files can be copied from disk to the bucket as-is.
On S3 two simultaneous first uploads of one document may both write it; they write the same
bytes under the same key, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages

from motcua.dossiers.uploads import CheckedUpload

_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}$")


def content_name(sha256: str, extension: str = "") -> str:
    """The stored name of content with this hash: ``ab/cd/abcd…<ext>``."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{extension}"


def _extension(name: str) -> str:
    match = _EXTENSION.search(os.path.basename(name).lower())
    return match.group() if match else ""


def _digest(content: File[Any]) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in content.chunks():
        data = chunk.encode() if isinstance(chunk, str) else chunk
        sha.update(data)
        size += len(data)
    if content.seekable():
        content.seek(0)
    return sha.hexdigest(), size


class ContentAddressedMixin:
    """Name files by their content; store each content once; never overwrite.

    Put it before a concrete storage class. The requested name only gives the extension.
    """

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # The final name depends on the content, which is only known in _save(); an
        # existing file under it is the same content, so there is nothing to avoid here.
        return name

    def _save(self, name: str, content: File[Any]) -> str:
        sha256, size = _digest(content)
        target = content_name(sha256, _extension(name))
        if self.exists(target):  # type: ignore[attr-defined]
            self._check_existing(target, size)
            return target
        return self._write_new(target, content, size)

    def _check_existing(self, name: str, size: int) -> None:
        """An existing file under a content name must be that content (same size)."""
        stored = self.size(name)  # type: ignore[attr-defined]
        if stored != size:
            raise FileExistsError(
                f"{name} is stored with {stored} bytes, not {size}: the stored file is damaged;"
                " refusing to overwrite it"
            )

    def _write_new(self, name: str, content: File[Any], size: int) -> str:
        return super()._save(name, content)  # type: ignore[misc, no-any-return]


class ContentAddressedStorage(ContentAddressedMixin, FileSystemStorage):
    """Content-addressed files on local disk (``STORAGES["dossier_files"]``).

    Files are written to a temporary file in the target directory, synced, then hard-linked
    into place, so a crash never leaves a partial file under a content name and a file is
    never replaced. Files get mode 0o640 and new directories 0o750 unless the OPTIONS say
    otherwise. ``path()``, ``open()``, ``exists()``, ``size()``, ``url()`` and ``delete()``
    are FileSystemStorage's. Deleting is the caller's business: other dossiers may hold the
    same document.
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | None = None,
        base_url: str | None = None,
        file_permissions_mode: int | None = 0o640,
        directory_permissions_mode: int | None = 0o750,
    ) -> None:
        super().__init__(
            location=location,
            base_url=base_url,
            file_permissions_mode=file_permissions_mode,
            directory_permissions_mode=directory_permissions_mode,
        )

    def _check_existing(self, name: str, size: int) -> None:
        super()._check_existing(name, size)
        # On disk the full check is cheap: the bytes must hash to the name.
        sha = hashlib.sha256()
        with open(self.path(name), "rb") as stored:
            for block in iter(lambda: stored.read(1024 * 1024), b""):
                sha.update(block)
        if not os.path.basename(name).startswith(sha.hexdigest()):
            raise FileExistsError(
                f"{name} does not hold the content its name says: the stored file is damaged;"
                " refusing to overwrite it"
            )

    def _make_directories(self, directory: str) -> None:
        os.makedirs(self.location, exist_ok=True)
        mode = self.directory_permissions_mode
        relative = os.path.relpath(directory, self.location)
        current = self.location
        for part in relative.split(os.sep):
            current = os.path.join(current, part)
            try:
                os.mkdir(current)
            except FileExistsError:
                if not os.path.isdir(current):
                    raise
                continue
            if mode is not None:
                os.chmod(current, mode)  # explicit, so the process umask does not matter

    def _write_new(self, name: str, content: File[Any], size: int) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directories(directory)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            self._link_into_place(temporary, full_path, name, size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return name

    def _link_into_place(self, temporary: str, full_path: str, name: str, size: int) -> None:
        try:
            os.link(temporary, full_path)  # atomic, and fails rather than replace a file
        except FileExistsError:
            # Someone saved the same content meanwhile.
            self._check_existing(name, size)
        except OSError:
            # The file system has no hard links (some network shares). Renaming over a file
            # with this name would only put the same bytes there, but check first anyway.
            if os.path.exists(full_path):
                self._check_existing(name, size)
            else:
                os.replace(temporary, full_path)


def _save(sha256: str, extension: str, content: bytes) -> str:
    return storages["dossier_files"].save(f"{sha256}{extension}", ContentFile(content))


def store_checked(upload: CheckedUpload) -> str:
    """Store a checked upload in ``STORAGES["dossier_files"]``; returns the stored name.

    Storing the same content again returns the same name and writes nothing.
    """
    return _save(upload.sha256, upload.extension, upload.content)


def store_bytes(content: bytes, extension: str) -> tuple[str, str, int]:
    """Store a file MotCua made itself (a slip, a signed result) the same way; returns
    (stored name, SHA-256, size)."""
    sha256 = hashlib.sha256(content).hexdigest()
    return _save(sha256, extension, content), sha256, len(content)


class DossierFiles(Storage):
    """The ``dossier_files`` storage, looked up on every use.

    Model fields bind their storage once, at import; this proxy keeps them following
    ``STORAGES["dossier_files"]`` (another backend in production, a temporary directory
    in tests).
    """

    @property
    def _target(self) -> Storage:
        return storages["dossier_files"]

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        return self._target.open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self._target.save(name, content, max_length=max_length)

    def exists(self, name: str) -> bool:
        return self._target.exists(name)

    def path(self, name: str) -> str:
        return self._target.path(name)

    def size(self, name: str) -> int:
        return self._target.size(name)

    def url(self, name: str | None) -> str:
        return self._target.url(name)

    def delete(self, name: str) -> None:
        self._target.delete(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._target.listdir(path)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self._target.generate_filename(filename)


dossier_files = DossierFiles()
