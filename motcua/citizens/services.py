"""Citizen services: accounts (from the identity provider's claims) and the data store."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Citizen, DataStoreItem, StoreItemKind
from motcua.core.errors import InvalidInput
from motcua.core.text import fold, nfc
from motcua.dossiers.models import Dossier, ResultKind
from motcua.org.models import User
from motcua.org.personal_id import personal_id_messages, personal_id_problems

# --- accounts ---


def _text(claims: Mapping[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return nfc(value).strip()[:limit] if isinstance(value, str) else ""


def _address(claims: Mapping[str, Any]) -> str:
    """The OpenID ``address`` claim is an object (``formatted``, …); some providers send
    a plain string."""
    value = claims.get("address")
    if isinstance(value, Mapping):
        value = value.get("formatted")
    return nfc(value).strip()[:500] if isinstance(value, str) else ""


def _birth_date(claims: Mapping[str, Any]) -> dt.date | None:
    value = claims.get("birthdate")
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@transaction.atomic
def citizen_sign_in(claims: Mapping[str, Any], issuer: str) -> Citizen:
    """Create or update the citizen account — tài khoản công dân — for verified ID-token
    ``claims`` from ``issuer``, keyed by (issuer, ``sub``).

    The personal ID number comes from the claim named by ``MOTCUA_OIDC_PERSONAL_ID_CLAIM``
    and must be a valid 12-digit number (:class:`InvalidInput` otherwise). The account's
    user is ``citizen-<personal ID>``, with an unusable password and no role.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise InvalidInput(_("The identity provider did not say who you are."))
    claim = settings.MOTCUA_OIDC_PERSONAL_ID_CLAIM
    raw = claims.get(claim)
    personal_id = raw.strip() if isinstance(raw, str) else ""
    birth_date = _birth_date(claims)
    problems = personal_id_problems(personal_id)
    if problems:
        messages = personal_id_messages(problems, value=personal_id)
        raise InvalidInput(
            _("The identity provider did not give a valid personal ID number."),
            details={"errors": {"personal_id": " ".join(messages)}},
        )
    full_name = _text(claims, "name", 255) or personal_id
    email = _text(claims, "email", 254)
    values: dict[str, Any] = {
        "personal_id": personal_id,
        "full_name": full_name,
        "birth_date": birth_date,
        "phone": _text(claims, "phone_number", 20),
        "email": email,
        "address": _address(claims),
        "verified_at": timezone.now(),
    }
    citizen = (
        Citizen.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if citizen is None:
        user, _created = User.objects.get_or_create(username=f"citizen-{personal_id}")
        if user.has_usable_password():
            user.set_unusable_password()
        # The same personal ID vouched for under another identifier (a new provider, a
        # re-issued account): the same person, so the same account and dossiers.
        citizen = Citizen.objects.select_for_update().filter(user=user).first()
        if citizen is None:
            citizen = Citizen(user=user)
        citizen.issuer = issuer
        citizen.subject = subject
    else:
        user = citizen.user
    for name, value in values.items():
        setattr(citizen, name, value)
    user.first_name = ""
    user.last_name = full_name[:150]
    user.email = email
    user.save()
    citizen.save()
    return citizen


# --- data store ---
# Kho dữ liệu điện tử của công dân: papers accepted in earlier dossiers and signed results,
# offered again when a later procedure asks for the same paper.


# Words that say what form a paper takes, not what it is: dropped before matching.
STORE_KEY_PREFIXES = (
    "ban sao",
    "ban chinh",
    "ban goc",
    "ban chup",
    "ban scan",
    "ban dien tu",
    "trich luc",
    "giay",
    "to",
    "mot",
    "01",
    "1",
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# The shorter key must say at least this much to match by containment.
_MIN_CONTAINED = 6


def store_key(name: str) -> str:
    """The data-store key of a paper called ``name``: its folded name."""
    return fold(name)[:1000]


def _core(key: str) -> str:
    """The key without punctuation and without the words that only say the paper's form."""
    words = _NOT_WORD.sub(" ", fold(key)).strip()
    changed = True
    while changed and words:
        changed = False
        for prefix in STORE_KEY_PREFIXES:
            if words == prefix:
                return ""
            if words.startswith(prefix + " "):
                words = words[len(prefix) + 1 :]
                changed = True
    return words


def store_keys_match(a: str, b: str) -> bool:
    """Whether two data-store keys name the same paper: equal, or one contains the other
    (whole words) once the form words ("bản sao", "giấy"...) are dropped."""
    if not a or not b:
        return False
    if fold(a) == fold(b):
        return True
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        return False
    if ca == cb:
        return True
    short, long = sorted((ca, cb), key=len)
    return len(short) >= _MIN_CONTAINED and f" {short} " in f" {long} "


def store_items_for(personal_id: str, required_document: RequiredDocument) -> list[DataStoreItem]:
    """The items of the citizen's data store that answer ``required_document`` (only a
    paper the procedure marks reusable), newest first."""
    if not personal_id or not required_document.reusable:
        return []
    wanted = store_key(required_document.name)
    items = DataStoreItem.objects.filter(personal_id=personal_id).order_by("-created_at", "-pk")
    return [item for item in items if store_keys_match(item.key, wanted)]


def _owner_id(dossier: Dossier) -> str:
    return dossier.applicant_personal_id if dossier.applicant_kind == "person" else ""


@transaction.atomic
def store_papers_of(dossier: Dossier) -> list[DataStoreItem]:
    """Put the papers of an accepted dossier into its applicant's data store
    (``kind=paper``, keyed by the required document each answered). Idempotent."""
    personal_id = _owner_id(dossier)
    if not personal_id:
        return []
    stored = []
    documents = dossier.documents.filter(required_document__isnull=False).select_related(
        "required_document"
    )
    for doc in documents:
        assert doc.required_document is not None
        item, _created = DataStoreItem.objects.get_or_create(
            personal_id=personal_id,
            key=store_key(doc.required_document.name),
            sha256=doc.sha256,
            defaults={
                "kind": StoreItemKind.PAPER,
                "name": doc.required_document.name,
                "file": doc.file.name,
                "size": doc.size,
                "content_type": doc.content_type,
                "source_dossier": dossier,
                "created_at": timezone.now(),
            },
        )
        stored.append(item)
    return stored


@transaction.atomic
def store_results_of(dossier: Dossier) -> list[DataStoreItem]:
    """Put the signed electronic results of ``dossier`` into its applicant's data store
    (``kind=result``, keyed by the result's name). Idempotent."""
    personal_id = _owner_id(dossier)
    if not personal_id:
        return []
    stored = []
    results = dossier.results.filter(kind=ResultKind.ELECTRONIC, signed_at__isnull=False).exclude(
        file=""
    )
    for result in results:
        if not result.file or not result.sha256:
            continue
        item, _created = DataStoreItem.objects.get_or_create(
            personal_id=personal_id,
            key=store_key(result.name),
            sha256=result.sha256,
            defaults={
                "kind": StoreItemKind.RESULT,
                "name": result.name,
                "file": result.file.name,
                "size": result.size or 0,
                "content_type": result.content_type or "application/pdf",
                "source_dossier": dossier,
                "result": result,
                "created_at": result.signed_at or timezone.now(),
            },
        )
        stored.append(item)
    return stored
