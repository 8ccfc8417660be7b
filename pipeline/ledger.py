"""What the store knows of the inbox: which files each case was read from, which run holds a
case right now, and what reviewers corrected. This is what makes runs idempotent and safe to
kill, and keeps reviewers' work.

    fingerprint(files, manifest, catalogue_digest)    one digest of everything a case's result
                                                      depends on
    known_cases(store, case_ids)                      stored fingerprint, files, status per case
    record_inputs(session, ...)                       files and fingerprint, in the case's save
    claim / renew / release                           leases: one run per case at a time
    add_correction / corrections_of / apply_corrections
                                                      reviewer corrections, kept and re-applied

Everything here lives in tables beside the store's own (same metadata, same migrations).
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from extractors.model import FieldValue
from pipeline.reading.cache import CACHE_VERSION, file_hash
from pipeline.store import Base, Store, as_utc, now_utc
from pipeline.tables import CaseResult

# Bump when extraction or the rules change what a case's result is: every case is then read again
# (from the OCR cache) on the next run.
PIPELINE_VERSION = f"ocr{CACHE_VERSION}-rules2"
LEASE_SECONDS = 300  # a lease not renewed for this long belongs to a dead run
REVIEW_DECISIONS = ("approved", "rejected")
TARGETS = ("field", "line_item", "doc_type", "finding", "decision", "document")  # document: an upload


# --------------------------------------------------------------------------------------------- schema


class CaseInputRow(Base):
    """The fingerprint of what a stored case was computed from."""

    __tablename__ = "case_inputs"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), primary_key=True)
    inbox: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    pipeline_version: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseFileRow(Base):
    """Every file a case was ever read from; a file gone from the folder stays, marked removed."""

    __tablename__ = "case_files"
    __table_args__ = (UniqueConstraint("case_id", "name", name="uq_case_files_case_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"))
    name: Mapped[str] = mapped_column(Text)  # path inside the case folder
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LeaseRow(Base):
    """A case being processed by one run; others leave it alone until released or expired."""

    __tablename__ = "case_leases"

    case_id: Mapped[str] = mapped_column(Text, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(Text)  # host:pid
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorrectionRow(Base):
    """A reviewer's change, kept forever (it is also the audit trail): a field or line-item value,
    a document's type, or the case's decision."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_case_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"))
    target: Mapped[str] = mapped_column(String(16))  # field | line_item | doc_type | finding | decision
    doc_id: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str] = mapped_column(Text, default="")  # where the document came from
    pages: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text, default="")  # field or line-item column
    line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ------------------------------------------------------------------------------------- fingerprints


@dataclass(frozen=True)
class InputFile:
    name: str  # path inside the case folder, `/`-separated
    sha256: str
    size: int


_HASHES: dict[tuple[str, int, int, int], str] = {}  # (path, inode, size, mtime_ns) -> sha256
_HASHES_MAX = 200_000


def _content_hash(path: Path) -> tuple[str, int]:
    """sha256 and size; a file already hashed by this process and untouched since is not read
    again (a run plans twice when it first checks whether there is any work)."""
    st = path.stat()
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    digest = _HASHES.get(key)
    if digest is None:
        if len(_HASHES) >= _HASHES_MAX:  # a serving process lives for months: forget, re-hash later
            _HASHES.clear()
        digest = _HASHES[key] = file_hash(path)
    return digest, st.st_size


def input_files(files: Iterable[tuple[str, Path]]) -> list[InputFile]:
    """Each (name, path) known by its content hash."""
    out = []
    for name, path in files:
        digest, size = _content_hash(path)
        out.append(InputFile(name, digest, size))
    return sorted(out, key=lambda f: f.name)


def file_digest(path: Path | None) -> str:
    return file_hash(path) if path is not None and path.is_file() else ""


def fingerprint(files: Sequence[InputFile], manifest_digest: str, catalogue_digest: str,
                problems: Sequence[str] = ()) -> str:
    """One digest of everything the case's result depends on: the code's version, the catalogue,
    case.json, each file's name and content, and the names of entries that could not be read
    (a symlink fixed later changes the case)."""
    h = hashlib.sha256()
    for part in (PIPELINE_VERSION, catalogue_digest, manifest_digest):
        h.update(part.encode() + b"\0")
    for f in sorted(files, key=lambda f: f.name):
        h.update(f"{f.name}\0{f.sha256}\0".encode("utf-8", "surrogateescape"))
    for name in sorted(problems):
        h.update(f"!{name}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


@dataclass
class KnownCase:
    """What the store holds of one case."""

    case_id: str
    fingerprint: str
    status: str
    reasons: list[str]
    files: dict[str, str]  # name -> sha256, files present at the last run
    decision: str = ""  # a reviewer's final decision, if any


def known_cases(store: Store, case_ids: Iterable[str]) -> dict[str, KnownCase]:
    """Stored cases among `case_ids`, with the fingerprint they were computed from."""
    from pipeline.store import CaseRow

    wanted = sorted(set(case_ids))
    out: dict[str, KnownCase] = {}
    with store.transaction("reading what earlier runs stored") as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = session.execute(
                select(CaseRow.case_id, CaseRow.status, CaseRow.reasons, CaseInputRow.fingerprint)
                .outerjoin(CaseInputRow, CaseInputRow.case_id == CaseRow.case_id)
                .where(CaseRow.case_id.in_(chunk)))
            for case_id, status, reasons, fp in rows:
                out[case_id] = KnownCase(case_id, fp or "", status, reasons.split(";") if reasons else [],
                                         {})
            for case_id, name, sha in session.execute(
                    select(CaseFileRow.case_id, CaseFileRow.name, CaseFileRow.sha256)
                    .where(CaseFileRow.case_id.in_(chunk), CaseFileRow.present.is_(True))):
                if case_id in out:
                    out[case_id].files[name] = sha
            for case_id, value in session.execute(
                    select(CorrectionRow.case_id, CorrectionRow.new_value)
                    .where(CorrectionRow.case_id.in_(chunk), CorrectionRow.target == "decision")
                    .order_by(CorrectionRow.id)):
                if case_id in out:
                    out[case_id].decision = value if value in REVIEW_DECISIONS else ""
    return out


def record_inputs(session: Session, case_id: str, inbox: str, files: Sequence[InputFile],
                  fp: str) -> None:
    """Inside the case's save: its files (new, changed, removed) and fingerprint."""
    now = now_utc()
    stored = {r.name: r for r in session.scalars(select(CaseFileRow).where(CaseFileRow.case_id == case_id))}
    current = {f.name: f for f in files}
    for name, f in current.items():
        row = stored.get(name)
        if row is None:
            session.add(CaseFileRow(case_id=case_id, name=name, sha256=f.sha256, size=f.size,
                                    present=True, first_seen=now))
        else:
            row.sha256, row.size, row.present, row.removed_at = f.sha256, f.size, True, None
    for name, row in stored.items():
        if name not in current and row.present:
            row.present, row.removed_at = False, now
    state = session.get(CaseInputRow, case_id)
    if state is None:
        session.add(CaseInputRow(case_id=case_id, inbox=inbox, fingerprint=fp,
                                 pipeline_version=PIPELINE_VERSION, recorded_at=now))
    else:
        state.inbox, state.fingerprint, state.recorded_at = inbox, fp, now
        state.pipeline_version = PIPELINE_VERSION


def cases_of_inbox(store: Store, inbox: str) -> list[str]:
    """Case ids stored from this inbox (its resolved path)."""
    with store.transaction("listing the cases of the inbox") as session:
        return sorted(session.scalars(select(CaseInputRow.case_id).where(CaseInputRow.inbox == inbox)))


# -------------------------------------------------------------------------------------------- leases


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_dead(owner: str) -> bool:
    """A lease of a process of this host that no longer exists (a killed run) is free at once."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(store: Store, case_id: str, run_id: int, owner: str,
          seconds: int = LEASE_SECONDS) -> LeaseRow | None:
    """Take the case for this run. Returns None when taken, else the holder's lease (another
    live run has it). An expired lease, or one of a dead process of this host, is taken over."""
    now = now_utc()
    try:
        with store.transaction(f"taking case {case_id}", write=True) as session:
            row = session.get(LeaseRow, case_id, with_for_update=True)
            if row is None:
                session.add(LeaseRow(case_id=case_id, run_id=run_id, owner=owner,
                                     expires_at=now + timedelta(seconds=seconds)))
                return None
            mine = row.run_id == run_id and row.owner == owner
            if not mine and as_utc(row.expires_at) > now and not _owner_dead(row.owner):
                session.expunge(row)
                return row
            row.run_id, row.owner, row.expires_at = run_id, owner, now + timedelta(seconds=seconds)
            return None
    except IntegrityError:  # another run inserted the lease first
        with store.transaction(f"taking case {case_id}") as session:
            held = session.get(LeaseRow, case_id)
            if held is not None:
                session.expunge(held)
                return held
        return claim(store, case_id, run_id, owner, seconds)


def renew(store: Store, run_id: int, seconds: int = LEASE_SECONDS) -> None:
    """Keep this run's leases alive (a heartbeat)."""
    with store.transaction("renewing leases", write=True) as session:
        session.execute(update(LeaseRow).where(LeaseRow.run_id == run_id)
                        .values(expires_at=now_utc() + timedelta(seconds=seconds)))


def release(session: Session, case_id: str, run_id: int) -> None:
    """Inside the case's save: the case is done."""
    session.execute(delete(LeaseRow).where(LeaseRow.case_id == case_id, LeaseRow.run_id == run_id))


def release_all(store: Store, run_id: int) -> None:
    with store.transaction("releasing leases", write=True) as session:
        session.execute(delete(LeaseRow).where(LeaseRow.run_id == run_id))


def holders(store: Store, case_ids: Iterable[str]) -> dict[str, LeaseRow]:
    """Live leases among these cases."""
    wanted = list(case_ids)
    now = now_utc()
    out: dict[str, LeaseRow] = {}
    with store.transaction("reading leases") as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in session.scalars(select(LeaseRow).where(LeaseRow.case_id.in_(chunk))):
                if as_utc(row.expires_at) > now and not _owner_dead(row.owner):
                    session.expunge(row)
                    out[row.case_id] = row
    return out


# ---------------------------------------------------------------------------------------- corrections


@dataclass(frozen=True)
class Correction:
    target: str  # field | line_item | doc_type | finding | decision
    doc_id: str = ""
    name: str = ""
    new_value: str = ""
    old_value: str = ""
    line_no: int | None = None
    source_file: str = ""
    pages: str = ""
    reason: str = ""
    author: str = ""
    created_at: datetime | None = None


_ITEM_COLUMNS = ("item_date", "item_name", "quantity", "unit_price", "amount")


def add_correction(store: Store, case_id: str, correction: Correction) -> None:
    if correction.target not in TARGETS:
        raise ValueError(f"unknown correction target {correction.target!r}")
    if correction.target == "line_item" and correction.name not in _ITEM_COLUMNS:
        raise ValueError(f"line items have no column {correction.name!r}")
    with store.transaction(f"saving a correction of case {case_id}", write=True) as session:
        session.add(CorrectionRow(
            case_id=case_id, target=correction.target, doc_id=correction.doc_id,
            source_file=correction.source_file, pages=correction.pages, name=correction.name,
            line_no=correction.line_no, old_value=correction.old_value, new_value=correction.new_value,
            reason=correction.reason, author=correction.author, created_at=now_utc()))


def corrections_of(store: Store, case_id: str) -> list[Correction]:
    with store.transaction(f"reading the corrections of case {case_id}") as session:
        rows = session.scalars(select(CorrectionRow).where(CorrectionRow.case_id == case_id)
                               .order_by(CorrectionRow.id))
        return [Correction(r.target, r.doc_id, r.name, r.new_value, r.old_value, r.line_no,
                           r.source_file, r.pages, r.reason, r.author, as_utc(r.created_at))
                for r in rows]


@dataclass
class Applied:
    applied: int = 0
    stale: list[Correction] = field(default_factory=list)  # their document is no longer there


def apply_corrections(case: CaseResult, corrections: Sequence[Correction]) -> Applied:
    """Reviewers' corrections on a freshly extracted case, before it is decided: a re-run never
    undoes them. Document types first (the document is extracted again as its new type), then
    fields and line items in the order made. A correction applies to the document of the same id
    read from the same file and pages; one whose document is gone is kept (in the store) and
    reported, never applied elsewhere. Accepted findings and decisions apply after the checks
    (`settle`)."""
    from extractors import extract

    out = Applied()
    by_id = {d.doc_id: i for i, d in enumerate(case.documents)}
    by_place = {(d.source_file, d.page_range): i for i, d in enumerate(case.documents)}
    ordered = ([c for c in corrections if c.target == "doc_type"]
               + [c for c in corrections if c.target in ("field", "line_item")])
    for c in ordered:
        # The document read from the same file and pages (ids are renumbered when a file is added
        # before it); the id only where the correction recorded no place.
        i = by_place.get((c.source_file, c.pages)) if c.source_file else by_id.get(c.doc_id)
        if i is None:
            out.stale.append(c)
            continue
        doc, ex = case.documents[i], case.extractions[i]
        if c.target == "doc_type":
            doc.doc_type = c.new_value
            case.extractions[i] = extract(doc)
        elif c.target == "field":
            old = ex.fields.get(c.name)
            ex.fields[c.name] = (replace(old, value=c.new_value, conf=1.0) if old is not None
                                 else FieldValue(c.name, c.new_value, c.new_value, 1.0))
            if c.name == "total_amount":  # the reviewer read the page: other readings of it yield
                ex.table_totals = [c.new_value]
        else:
            item = next((it for it in ex.line_items if it.line_no == c.line_no), None)
            if item is None:
                out.stale.append(c)
                continue
            setattr(item, c.name, c.new_value)
            item.conf = 1.0
        out.applied += 1
    return out


def finding_key(code: str, field_name: str = "") -> str:
    """The `name` of a finding's acceptance: its code and the field it points at."""
    return f"{code}:{field_name}"


def settle(case: CaseResult, corrections: Sequence[Correction]) -> None:
    """After the checks: findings a reviewer accepted are marked (they no longer route the case)
    and the reviewer's last decision, if any, becomes the case's."""
    accepted = {(c.name, c.doc_id, c.line_no, c.source_file): c.reason or "accepted"
                for c in corrections if c.target == "finding"}
    case.findings = [
        replace(f, accepted=reason) if (reason := accepted.get(
            (finding_key(f.code, f.field), f.doc_id, f.line_no, f.source_file))) is not None else f
        for f in case.findings]
    case.decision = decision_of(corrections)


def decision_of(corrections: Sequence[Correction]) -> str:
    """The reviewer's last decision (approved / rejected), or '' (none, or reopened)."""
    last = next((c.new_value for c in reversed(corrections) if c.target == "decision"), "")
    return last if last in REVIEW_DECISIONS else ""
