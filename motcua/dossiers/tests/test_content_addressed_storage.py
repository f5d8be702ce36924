"""Documents are stored once, under the SHA-256 of their bytes, and never overwritten."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.dossiers.storage import ContentAddressedStorage, content_name, store_checked
from motcua.dossiers.tests.test_upload_checks import make_pdf, make_png
from motcua.dossiers.uploads import check_upload

PDF = make_pdf()
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def storage(tmp_path: Path) -> ContentAddressedStorage:
    return ContentAddressedStorage(location=tmp_path / "files", base_url="/files/")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_content_is_stored_under_its_hash_whatever_name_is_asked(storage, tmp_path):
    name = storage.save("ho-so/Giấy khai sinh.PDF", ContentFile(PDF))
    assert name == f"{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf" == content_name(SHA, ".pdf")
    assert Path(storage.path(name)) == tmp_path / "files" / SHA[:2] / SHA[2:4] / f"{SHA}.pdf"
    assert files_under(tmp_path) == [Path(storage.path(name))]


def test_stored_content_reads_back_identical_through_the_storage_api(storage):
    name = storage.save("x.pdf", ContentFile(PDF))
    assert storage.exists(name)
    assert storage.size(name) == len(PDF)
    with storage.open(name) as stored:
        assert stored.read() == PDF
    assert storage.url(name) == f"/files/{name}"


def test_saving_the_same_content_again_writes_nothing_and_returns_the_same_name(
    storage, tmp_path, monkeypatch
):
    first = storage.save("to-khai.pdf", ContentFile(PDF))
    before = os.stat(storage.path(first))

    def must_not_write(*args, **kwargs):
        raise AssertionError("identical content was written again")

    monkeypatch.setattr(storage, "_write_new", must_not_write)
    second = storage.save("ban-sao/to-khai (1).pdf", io.BytesIO(PDF))

    assert second == first
    after = os.stat(storage.path(first))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(files_under(tmp_path)) == 1


def test_different_content_gets_different_names(storage, tmp_path):
    png = make_png()
    names = {storage.save("a.pdf", ContentFile(PDF)), storage.save("a.pdf", ContentFile(png))}
    assert names == {
        content_name(SHA, ".pdf"),
        content_name(hashlib.sha256(png).hexdigest(), ".pdf"),
    }
    assert len(files_under(tmp_path)) == 2


def test_the_extension_comes_from_the_requested_name(storage):
    assert storage.save("a.JPG", ContentFile(b"x")).endswith(".jpg")
    bare = storage.save("no-extension", ContentFile(b"y"))
    assert bare == content_name(hashlib.sha256(b"y").hexdigest())
    assert storage.save("odd.<script>", ContentFile(b"z")) == content_name(
        hashlib.sha256(b"z").hexdigest()
    )


def test_a_requested_name_leaving_the_storage_is_refused(storage):
    with pytest.raises(SuspiciousFileOperation):
        storage.save("../../etc/passwd.pdf", ContentFile(PDF))


def test_files_are_0640_and_directories_0750_whatever_the_umask(storage):
    old_umask = os.umask(0o077)
    try:
        name = storage.save("x.pdf", ContentFile(PDF))
    finally:
        os.umask(old_umask)
    path = Path(storage.path(name))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o750


@pytest.mark.parametrize(
    "damage", [b"", PDF[:-1] + b"X"], ids=["different-size", "same-size-different-bytes"]
)
def test_a_damaged_file_under_a_content_name_is_never_overwritten(storage, damage):
    path = Path(storage.path(content_name(SHA, ".pdf")))
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        storage.save("x.pdf", ContentFile(PDF))
    assert path.read_bytes() == damage


def test_a_concurrent_save_of_the_same_content_is_harmless(storage, tmp_path, monkeypatch):
    name = storage.save("x.pdf", ContentFile(PDF))
    # The other writer finished between our exists() check and our write.
    monkeypatch.setattr(storage, "exists", lambda name: False)
    assert storage.save("x.pdf", ContentFile(PDF)) == name
    assert files_under(tmp_path) == [Path(storage.path(name))]  # no temporary file left


def test_without_hard_links_the_file_is_still_stored_whole(storage, tmp_path, monkeypatch):
    def no_links(source, destination):
        raise PermissionError("this file system has no hard links")

    monkeypatch.setattr(os, "link", no_links)
    name = storage.save("x.pdf", ContentFile(PDF))
    assert Path(storage.path(name)).read_bytes() == PDF
    assert stat.S_IMODE(Path(storage.path(name)).stat().st_mode) == 0o640
    assert storage.save("y.pdf", ContentFile(PDF)) == name
    assert files_under(tmp_path) == [Path(storage.path(name))]


def test_settings_declare_the_content_addressed_storage_for_dossier_files():
    assert isinstance(storages["dossier_files"], ContentAddressedStorage)


def test_store_checked_saves_through_the_configured_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "dossier_files": {
            "BACKEND": "motcua.dossiers.storage.ContentAddressedStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    upload = check_upload(make_png(), filename="scan.pdf", max_bytes=1024 * 1024)
    name = store_checked(upload)
    assert name == content_name(upload.sha256, ".png")
    assert (tmp_path / name).read_bytes() == upload.content
    assert store_checked(upload) == name
    assert files_under(tmp_path) == [tmp_path / name]


@hypothesis_settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=2048), requested=st.sampled_from(["a.pdf", "b.png", "c"]))
def test_any_content_round_trips_under_its_hash(content, requested):
    with tempfile.TemporaryDirectory() as root:
        storage = ContentAddressedStorage(location=root)
        name = storage.save(requested, ContentFile(content))
        digest = hashlib.sha256(content).hexdigest()
        assert name.startswith(f"{digest[:2]}/{digest[2:4]}/{digest}")
        with storage.open(name) as stored:
            assert stored.read() == content
        assert storage.save(requested, ContentFile(content)) == name
