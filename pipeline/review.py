"""What reviewers do to a flagged case, as plain functions over the store (the web app in
`review/` is a thin layer over these).

    add_user / check_password / get_user           users with a role (reviewer | supervisor)
    queue(store, reason=, claim_type=)             cases needing review, oldest first
    take / release / holder                        one reviewer works a case at a time
    correct(ctx, case_id, user, version, changes)  record corrections, re-run the checks at once
    add_document(ctx, case_id, user, version, name, data)
                                                   a missing document, read like any other
    decide_case / reopen                           the reviewer's decision; a supervisor reopens
    audit(store, case_id)                          every change: who, when, what, old, new

Every change is a `pipeline.ledger.Correction` (the audit trail, and what a later batch run
re-applies). Saves carry the case's `version`: a save made on an older version than the stored
one is refused with `Conflict` (two reviewers on one case: the second is told, nothing is lost).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline import ledger
from pipeline.batch import check
from pipeline.case import process_case
from pipeline.errors import ClaimsError
from pipeline.inbox import case_id_of, scan_inbox
from pipeline.ledger import CaseInputRow, Correction
from pipeline.plan import plan_case
from pipeline.settings import Settings
from pipeline.store import Base, CaseRow, Store, VersionConflict, as_utc, now_utc
from pipeline.tables import CaseResult
from validators import Context
from validators.catalogue import Catalogue, default_catalogue_path

ROLES = ("reviewer", "supervisor")
DECISIONS = ("approved", "rejected")
UPLOAD_TYPES = {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff",
                ".jpeg": b"\xff\xd8\xff", ".tif": b"II*\x00", ".tiff": b"II*\x00"}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class ReviewError(ClaimsError):
    """A reviewer's action that cannot be done; the message says why and what to do."""


class Conflict(ReviewError):
    """The case changed since the reviewer loaded it."""


# --------------------------------------------------------------------------------------------- schema


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewClaimRow(Base):
    """A case a reviewer is working on; others see it is taken."""

    __tablename__ = "review_claims"

    case_id: Mapped[str] = mapped_column(Text, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ---------------------------------------------------------------------------------------------- users

# scrypt (RFC 7914) from the standard library: memory-hard, parameters stored with the hash.
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=2**26, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=2**26, dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class User:
    username: str
    role: str

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{2,64}")


def add_user(store: Store, username: str, password: str, role: str = "reviewer") -> User:
    if not _USERNAME.fullmatch(username):
        raise ReviewError("a user name is 2-64 letters, digits or _ . @ -")
    if role not in ROLES:
        raise ReviewError(f"the role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ReviewError("the password must have at least 10 characters")
    try:
        with store.transaction("adding a user", write=True) as s:
            s.add(UserRow(username=username, password_hash=hash_password(password), role=role,
                          created_at=now_utc()))
    except IntegrityError:
        raise ReviewError(f"there is already a user {username!r}") from None
    return User(username, role)


def get_user(store: Store, username: str) -> User | None:
    with store.transaction("reading a user") as s:
        row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
        return User(row.username, row.role) if row else None


def check_password(store: Store, username: str, password: str) -> User | None:
    """The user when the password is right, else None (the same time either way)."""
    with store.transaction("checking a password") as s:
        row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
        stored = row.password_hash if row else hash_password("not a user")
    ok = verify_password(password, stored)
    return User(row.username, row.role) if row is not None and ok else None


# ---------------------------------------------------------------------------------------------- queue


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    claim_type: str
    reasons: list[str]
    first_seen: datetime
    taken_by: str


def queue(store: Store, reason: str | None = None, claim_type: str | None = None) -> list[QueueRow]:
    """Cases in needs_review, oldest first, with who holds each."""
    with store.transaction("reading the review queue") as s:
        rows = s.execute(
            select(CaseRow.case_id, CaseRow.claim_type, CaseRow.reasons, CaseRow.first_seen,
                   ReviewClaimRow.username)
            .outerjoin(ReviewClaimRow, ReviewClaimRow.case_id == CaseRow.case_id)
            .where(CaseRow.status == "needs_review")
            .order_by(CaseRow.first_seen, CaseRow.case_id)).all()
    out = []
    for case_id, ctype, reasons, first_seen, taken in rows:
        codes = reasons.split(";") if reasons else []
        if (reason and reason not in codes) or (claim_type and ctype != claim_type):
            continue
        out.append(QueueRow(case_id, ctype, codes, as_utc(first_seen), taken or ""))
    return out


def holder(store: Store, case_id: str) -> str:
    with store.transaction("reading who holds a case") as s:
        row = s.get(ReviewClaimRow, case_id)
        return row.username if row else ""


def take(store: Store, case_id: str, user: User) -> str:
    """Claim the case for `user`; returns who holds it now (the user, or the one who had it)."""
    try:
        with store.transaction(f"taking case {case_id}", write=True) as s:
            row = s.get(ReviewClaimRow, case_id)
            if row is not None:
                return row.username
            s.add(ReviewClaimRow(case_id=case_id, username=user.username, claimed_at=now_utc()))
            return user.username
    except IntegrityError:
        return holder(store, case_id)


def release(store: Store, case_id: str, user: User) -> None:
    """Give the case back; a supervisor may release anyone's."""
    with store.transaction(f"releasing case {case_id}", write=True) as s:
        query = delete(ReviewClaimRow).where(ReviewClaimRow.case_id == case_id)
        if not user.supervisor:
            query = query.where(ReviewClaimRow.username == user.username)
        s.execute(query)


def audit(store: Store, case_id: str) -> list[Correction]:
    return ledger.corrections_of(store, case_id)


# ------------------------------------------------------------------------------------------- changes


@dataclass
class ReviewContext:
    """What re-running a case's checks needs: the store, the settings (OCR cache), the catalogue."""

    store: Store
    settings: Settings
    context: Context
    catalogue_path: Path

    @classmethod
    def open(cls, store: Store, catalogue: Path | None = None,
             settings: Settings | None = None) -> ReviewContext:
        path = catalogue or default_catalogue_path()
        return cls(store, settings or Settings.from_env(), Context(catalogue=Catalogue.load(path)), path)


def case_folder(store: Store, case_id: str) -> Path:
    """The case's folder in the inbox it was last read from."""
    with store.transaction(f"finding case {case_id}") as s:
        state = s.get(CaseInputRow, case_id)
    if state is None:
        raise ReviewError(f"case {case_id} has no recorded inbox; run `claims run` on its inbox again")
    inbox = Path(state.inbox)
    direct = inbox / case_id
    if direct.is_dir() and case_id_of(direct) == case_id:
        return direct
    for folder in scan_inbox(inbox).cases:
        if case_id_of(folder) == case_id:
            return folder
    raise ReviewError(f"the folder of case {case_id} is no longer in {inbox}: its files cannot be "
                      "read again; restore the folder")


def _version(store: Store, case_id: str) -> tuple[int, int]:
    """(version, last run) of the stored case."""
    with store.transaction(f"reading case {case_id}") as s:
        row = s.get(CaseRow, case_id)
        if row is None:
            raise ReviewError(f"there is no case {case_id}")
        return row.version, row.last_run_id


def _guard(store: Store, case_id: str, user: User, version: int) -> int:
    """The case's last run, once it is sure that `user` may change the case now."""
    current, run_id = _version(store, case_id)
    if current != version:
        raise Conflict(f"case {case_id} was changed by someone else since you opened it (version "
                       f"{version}, now {current}); your change was not saved: reload the case and "
                       "make it again")
    taken = holder(store, case_id)
    if taken and taken != user.username and not user.supervisor:
        raise ReviewError(f"case {case_id} is taken by {taken}; ask them to release it")
    return run_id


def recheck(rc: ReviewContext, case_id: str, run_id: int, version: int | None = None) -> CaseResult:
    """Read the case again (pages come from the OCR cache), apply every correction, run the
    checks and store the result with its files' fingerprint, in one transaction."""
    folder = case_folder(rc.store, case_id)
    case = process_case(folder, rc.settings)
    check(case, rc.store, rc.context, run_id)
    plan = plan_case(folder, rc.settings, ledger.file_digest(rc.catalogue_path))
    with rc.store.transaction(f"reading case {case_id}") as s:
        state = s.get(CaseInputRow, case_id)
        inbox = state.inbox if state else str(folder.parent)

    def also(session: Session) -> None:
        ledger.record_inputs(session, case_id, inbox, plan.files, plan.fingerprint)

    try:
        rc.store.save_case(run_id, case, also=also, expect_version=version)
    except VersionConflict as err:  # another process saved between the check and this save
        raise Conflict(f"case {case_id} was changed by someone else while your change was being "
                       f"checked (version {err.expected}, now {err.found}); your change is recorded in the "
                       "audit but the case shows the other save: reload the case and check it") from None
    return case


def correct(rc: ReviewContext, case_id: str, user: User, version: int,
            changes: list[Correction]) -> CaseResult:
    """Record the changes (who, when, old, new) and re-run the checks at once."""
    run_id = _guard(rc.store, case_id, user, version)
    for c in changes:
        if c.target == "decision":
            raise ReviewError("use decide_case for a decision")
        ledger.add_correction(rc.store, case_id, Correction(
            c.target, c.doc_id, c.name, c.new_value, c.old_value, c.line_no, c.source_file, c.pages,
            c.reason, user.username))
    return recheck(rc, case_id, run_id, version)


def safe_upload_name(name: str, folder: Path) -> str:
    """A plain file name for an upload (no folders, no hidden names), not yet used in `folder`."""
    base = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^\w.\- ]+", "_", Path(base).stem).strip(" .") or "upload"
    suffix = Path(base).suffix.lower()
    candidate, n = f"{stem}{suffix}", 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def add_document(rc: ReviewContext, case_id: str, user: User, version: int, name: str,
                 data: bytes) -> CaseResult:
    """A missing document uploaded by a reviewer: checked for type and size, written into the
    case folder under a safe name, read and extracted like every other file, and the checks
    re-run."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise ReviewError(f"{suffix or 'files without an extension'} cannot be uploaded: send PDF, PNG, "
                          "JPEG or TIFF")
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise ReviewError(f"an upload must hold 1 byte to {MAX_UPLOAD_BYTES >> 20} MB")
    magic = UPLOAD_TYPES[suffix]
    if not (data.startswith(magic) or (suffix in (".tif", ".tiff") and data.startswith(b"MM\x00*"))):
        raise ReviewError(f"the file is named {suffix} but its content is not: upload the document again")
    run_id = _guard(rc.store, case_id, user, version)
    folder = case_folder(rc.store, case_id)
    target = folder / safe_upload_name(name, folder)
    if target.resolve().parent != folder.resolve():
        raise ReviewError("the upload's name is not allowed")
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(data)
    tmp.replace(target)
    ledger.add_correction(rc.store, case_id, Correction(
        "document", name=target.name, new_value=hashlib.sha256(data).hexdigest(), author=user.username,
        reason="uploaded by a reviewer"))
    return recheck(rc, case_id, run_id, version)


def decide_case(rc: ReviewContext, case_id: str, user: User, version: int, decision: str,
                reason: str) -> CaseResult:
    if decision not in DECISIONS:
        raise ReviewError(f"a decision is one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise ReviewError("give a reason for the decision")
    run_id = _guard(rc.store, case_id, user, version)
    ledger.add_correction(rc.store, case_id, Correction("decision", new_value=decision, reason=reason,
                                                        author=user.username))
    case = recheck(rc, case_id, run_id, version)
    release(rc.store, case_id, user)
    return case


def reopen(rc: ReviewContext, case_id: str, user: User, reason: str) -> CaseResult:
    if not user.supervisor:
        raise ReviewError("only a supervisor can reopen a decided case")
    if not reason.strip():
        raise ReviewError("give a reason for reopening the case")
    _, run_id = _version(rc.store, case_id)
    ledger.add_correction(rc.store, case_id, Correction("decision", new_value="reopened", reason=reason,
                                                        author=user.username))
    return recheck(rc, case_id, run_id)


def document_file(store: Store, case_id: str, source_file: str, settings: Settings | None = None) -> Path:
    """The file a stored document was read from: the case folder's file whose name (its path
    inside the folder, as `scan_case` names it) is `source_file`. The name is looked up among the
    folder's own files, never joined to a path, so a name from a request cannot reach outside the
    case folder (links leading out of the inbox are not followed either)."""
    from pipeline.inbox import scan_case

    folder = case_folder(store, case_id)
    for f in scan_case(folder, settings).files:
        if f.name == source_file:
            return f.path
    raise ReviewError(f"the file {source_file!r} is no longer in the folder of case {case_id}; "
                      "restore it and run the case again")
