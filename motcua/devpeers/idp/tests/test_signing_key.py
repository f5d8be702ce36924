"""The development provider's RS256 key: made once per data directory, private to its
owner, and the same on the next start."""

from __future__ import annotations

import stat
from pathlib import Path

from motcua.devpeers.idp.keys import dev_idp_private_key


def test_the_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = dev_idp_private_key(tmp_path)
    path = tmp_path / "dev-idp" / "oidc.key"
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert dev_idp_private_key(tmp_path) == first


def test_an_unwritable_directory_still_gives_a_key(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    assert dev_idp_private_key(blocked).startswith("-----BEGIN PRIVATE KEY-----")
