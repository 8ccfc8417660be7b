"""Which cases of an inbox a run must process: new ones, changed ones, and those an earlier run
failed on. An unchanged case is neither read nor stored again.

    plan_batch(inbox, store, settings, catalogue) -> BatchPlan

Each file is known by its content hash; a case's fingerprint covers its files, case.json, the
catalogue and the code's version (`pipeline.ledger.fingerprint`). A file removed from a case
folder, or a case folder removed from the inbox, is reported, and the store keeps what it knew.
A case a reviewer has decided is not reprocessed when its files change: that needs a supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import ledger
from pipeline.inbox import MANIFEST, case_id_of, scan_case, scan_inbox
from pipeline.ledger import InputFile
from pipeline.settings import Settings
from pipeline.store import Store

NEW, CHANGED, RETRY, UNCHANGED, REVIEWED = "new", "changed", "retry", "unchanged", "reviewed"
TODO = (NEW, CHANGED, RETRY)


@dataclass
class CasePlan:
    case_dir: Path
    case_id: str
    files: list[InputFile]
    fingerprint: str
    action: str = NEW
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def todo(self) -> bool:
        return self.action in TODO


@dataclass
class BatchPlan:
    inbox: str  # resolved path: the cases of one inbox are known by it
    cases: list[CasePlan]
    gone: list[str] = field(default_factory=list)  # stored cases of this inbox no longer in it
    notices: list[str] = field(default_factory=list)  # things the user must hear about

    @property
    def todo(self) -> list[CasePlan]:
        return [c for c in self.cases if c.todo]

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.cases)


def _names(names: list[str], most: int = 3) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def plan_case(case_dir: Path, settings: Settings, catalogue_digest: str) -> CasePlan:
    scan = scan_case(case_dir, settings)
    files = ledger.input_files((f.name, f.path) for f in scan.files)
    manifest = ledger.file_digest(case_dir / MANIFEST)
    fp = ledger.fingerprint(files, manifest, catalogue_digest, [p.source_file for p in scan.problems])
    return CasePlan(case_dir, case_id_of(case_dir), files, fp)


def plan_batch(inbox: Path, store: Store, settings: Settings, catalogue: Path) -> BatchPlan:
    """Every case folder of `inbox` with what this run must do with it."""
    scan = scan_inbox(inbox)
    digest = ledger.file_digest(catalogue)
    plans = [plan_case(d, settings, digest) for d in scan.cases]
    plan = BatchPlan(str(inbox.resolve()), plans, notices=list(scan.notices))
    known = ledger.known_cases(store, [p.case_id for p in plans])
    for p in plans:
        before = known.get(p.case_id)
        if before is None:
            continue
        now = {f.name: f.sha256 for f in p.files}
        p.added = sorted(set(now) - set(before.files))
        p.removed = sorted(set(before.files) - set(now))
        p.changed = sorted(n for n in now if n in before.files and before.files[n] != now[n])
        if before.fingerprint == p.fingerprint:
            p.action = RETRY if "processing_failed" in before.reasons else UNCHANGED
        elif before.decision:
            p.action = REVIEWED
            plan.notices.append(
                f"case {p.case_id} changed since a reviewer {before.decision} it; it was not processed "
                "again: a supervisor must reopen it to have the new files read")
        else:
            p.action = CHANGED
        if p.removed and p.action != UNCHANGED:
            plan.notices.append(
                f"case {p.case_id}: {len(p.removed)} file(s) read by an earlier run are gone from its "
                f"folder ({_names(p.removed)}); the store keeps the record of them"
                + (", and the case is processed again without them" if p.todo else ""))
    present = {p.case_id for p in plans}
    plan.gone = [c for c in ledger.cases_of_inbox(store, plan.inbox) if c not in present]
    if plan.gone:
        plan.notices.append(
            f"{len(plan.gone)} case(s) stored from this inbox by earlier runs are no longer in it "
            f"({_names(plan.gone)}); they stay in the store and out of this run's tables")
    return plan
