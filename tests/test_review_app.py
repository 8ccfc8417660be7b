"""The reviewers' web app (`review/`), server side: the real app over a real SQLite store filled by a
real run of three demo cases (real scans, photos and PDFs, real tesseract through the session's
OCR cache), driven like a browser through FastAPI's TestClient.

Cases (copied into a temporary inbox; uploads write into it, never into samples/):
    S3-0003  outpatient: total_mismatch; its reimbursement form (a text-layer PDF) is taken out
             before the run, so it also misses a document, which the flow test uploads again
    S3-0004  card photos on a desk (flattened before OCR); approved by the pipeline
    S3-0006  identity_mismatch; a page turned 180 degrees

Each security rule has a test that fails without it; the flow test fixes the case the way a
reviewer would and checks the export."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytesseract
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from PIL import Image, ImageOps
from rapidfuzz import fuzz
from sqlalchemy import select

from pipeline import review as rv
from pipeline.store import Store
from review.app import BODY_LIMIT, create_app
from review.security import SECRET_FILE, load_secret
from tests.postgres import free_port
from tests.review_helpers import Browser, Element, page, text

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CASES = ("S3-0003", "S3-0004", "S3-0006")
TAKEN_OUT = ("S3-0003", "Scan 2025-04-24 19.36.pdf")  # the reimbursement form, uploaded again later
CLAIMS = str(Path(sys.executable).parent / "claims")
PASSWORD = "long enough password 1"
USERS = {"alice": "reviewer", "bob": "reviewer", "sam": "supervisor", "tess": "reviewer"}
SECRET = "s" * 48


@dataclass
class World:
    url: str
    inbox: Path
    work: Path
    app: FastAPI
    store: Store
    taken_out: bytes  # the reimbursement form's bytes

    def browser(self, username: str) -> Browser:
        return Browser(self.app, username, PASSWORD)

    def free(self, case_id: str) -> None:
        """No reviewer holds the case (tests share the store)."""
        rv.release(self.store, case_id, rv.User("sam", "supervisor"))

    def version(self, case_id: str) -> int:
        data = self.store.load_case(case_id)
        assert data is not None
        return int(data["case"]["version"])

    def folder_files(self) -> set[Path]:
        return {p for p in self.work.rglob("*") if p.is_file() and "pages" not in p.parts}


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Iterator[World]:
    from pipeline.flow import claims_batch

    work = tmp_path_factory.mktemp("review-app")
    inbox = work / "inbox"
    for case in CASES:
        shutil.copytree(DEMO / case, inbox / case)
    removed = inbox.joinpath(*TAKEN_OUT)
    taken_out = removed.read_bytes()
    removed.unlink()
    url = f"sqlite:///{work / 'claims.db'}"
    before = os.environ.get("CLAIMS_CACHE_DIR")
    os.environ["CLAIMS_CACHE_DIR"] = str(ocr_cache)  # the app re-checks through the same cache
    try:
        claims_batch(inbox, work / "out", None, url)
        store = Store.open(url)
        for name, role in USERS.items():
            rv.add_user(store, name, PASSWORD, role)
        app = create_app(url, secret=SECRET, page_cache=work / "pages", workdir=work)
        yield World(url, inbox, work, app, store, taken_out)
        store.close()
    finally:
        if before is None:
            os.environ.pop("CLAIMS_CACHE_DIR", None)
        else:
            os.environ["CLAIMS_CACHE_DIR"] = before


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path with real values) of every route of the app."""
    values = {"case_id": "S3-0003", "doc_id": "d1", "page_no": "1"}
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path)
            out += [(method, path) for method in sorted(route.methods or ())]
    return out


POSTS_WITH_DATA = {
    "/cases/S3-0003/field": {"doc_id": "d1", "name": "patient_name", "value": "Someone Else"},
    "/cases/S3-0003/line": {"doc_id": "d1", "line_no": "1", "amount": "1.00"},
    "/cases/S3-0003/doc-type": {"doc_id": "d1", "doc_type": "other"},
    "/cases/S3-0003/accept": {"code": "total_mismatch", "field": "total_amount", "reason": "x"},
    "/cases/S3-0003/decide": {"decision": "rejected", "reason": "forged"},
    "/cases/S3-0003/reopen": {"reason": "again"},
    "/cases/S3-0003/take": {}, "/cases/S3-0003/release": {}, "/logout": {},
    "/cases/S3-0003/upload": {},
}


# ----------------------------------------------------------------------------------- login wall


def test_every_route_but_login_and_static_needs_a_login(world: World) -> None:
    anonymous = Browser(world.app)
    routes = _routes(world.app)
    assert len(routes) >= 15
    for method, path in routes:
        if path == "/login":
            continue
        r = anonymous.client.request(method, path, follow_redirects=False)
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), (method, path)
        else:
            assert r.status_code == 401, (method, path, r.status_code)
        assert "S3-0003" not in r.text  # nothing of the case shows
    # unknown paths too, and the next page survives the detour
    r = anonymous.client.get("/cases/S3-0006?x=1", follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fcases%2FS3-0006%3Fx%3D1"
    assert anonymous.client.get("/login").status_code == 200
    assert anonymous.client.get("/static/app.css").status_code == 200


def test_login_logout_and_the_session_cookie(world: World) -> None:
    b = Browser(world.app)
    assert b.login("alice", "wrong password!").status_code == 401
    assert b.client.get("/queue", follow_redirects=False).status_code == 303
    r = b.login("alice", PASSWORD)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    q = page(b.get("/queue").text)
    assert text(q.find("current-user")) == "alice" and text(q.find("current-role")) == "reviewer"
    stolen = dict(b.client.cookies)
    assert b.post("/logout", {}, follow=False).status_code == 303
    assert b.client.get("/queue", follow_redirects=False).status_code == 303
    # the cookie of before the logout no longer works either
    other = Browser(world.app)
    other.client.cookies.update(stolen)
    assert other.client.get("/queue", follow_redirects=False).status_code == 303
    # the next page of a login is a path of this site only
    b.get("/login?next=//evil.example/x")
    r = b.post("/login", {"username": "alice", "password": PASSWORD, "next": "//evil.example/x"},
               follow=False)
    assert r.headers["location"] == "/queue"


def test_secure_cookie_flag_and_no_session_signed_by_another_secret(world: World, tmp_path: Path) -> None:
    app = create_app(world.url, secret="t" * 48, secure_cookies=True, page_cache=tmp_path / "p",
                     workdir=tmp_path)
    b = Browser(app, base_url="https://testserver")
    r = b.login("alice", PASSWORD)
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()
    # a cookie signed with another secret is no session here
    other = Browser(world.app)
    other.client.cookies.update(dict(b.client.cookies))
    assert other.client.get("/queue", follow_redirects=False).status_code == 303


def test_failed_logins_are_throttled(world: World) -> None:
    b = Browser(world.app)
    for _ in range(5):
        assert b.login("tess", "not the password").status_code == 401
    r = b.login("tess", PASSWORD)  # right, but too late
    assert r.status_code == 429 and "Too many failed logins" in r.text
    assert b.client.get("/queue", follow_redirects=False).status_code == 303
    assert Browser(world.app).login("alice", PASSWORD).status_code == 303  # others are not locked out


def test_users_add_stores_a_scrypt_hash_not_the_password(world: World) -> None:
    secret_word = "a very secret pass phrase"
    r = subprocess.run([CLAIMS, "users", "add", "dora", "--role", "supervisor", "--db", world.url,
                        "--password-stdin"], input=secret_word + "\n", capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    with world.store.transaction("reading users") as s:
        stored = s.scalars(select(rv.UserRow.password_hash).where(rv.UserRow.username == "dora")).one()
    assert secret_word not in stored and stored.startswith("scrypt$32768$8$1$")
    assert rv.check_password(world.store, "dora", secret_word) == rv.User("dora", "supervisor")
    again = subprocess.run([CLAIMS, "users", "add", "dora", "--db", world.url, "--password-stdin"],
                           input="another long password\n", capture_output=True, text=True, timeout=120,
                           check=False)
    assert again.returncode == 2 and "already a user" in again.stderr and "Traceback" not in again.stderr
    short = subprocess.run([CLAIMS, "users", "add", "eve", "--db", world.url, "--password-stdin"],
                           input="short\n", capture_output=True, text=True, timeout=120, check=False)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr


def test_secret_is_made_once_private_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMS_REVIEW_SECRET", raising=False)
    first = load_secret(None, tmp_path)
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) >= 32
    assert load_secret(None, tmp_path) == first
    monkeypatch.setenv("CLAIMS_REVIEW_SECRET", "e" * 40)
    assert load_secret(None, tmp_path) == "e" * 40
    assert load_secret("g" * 40, tmp_path) == "g" * 40


def test_claims_review_serve_serves_the_app(world: World, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_REVIEW_SECRET"}
    proc = subprocess.Popen([CLAIMS, "review", "serve", "--db", world.url, "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/queue", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fqueue"
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 200 and 'data-testid="login-submit"' in login.text
        secret = tmp_path / SECRET_FILE  # made on first start, private
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err


def test_document_file_finds_only_the_case_folders_own_files(world: World) -> None:
    folder = world.inbox / "S3-0004"
    card = "IMG_20251020_153252.jpg"
    assert rv.document_file(world.store, "S3-0004", card) == folder / card
    for name in ("../S3-0006/CamScanner 03-11-2025 8.47.pdf", "/etc/passwd", "..", "case.json"):
        with pytest.raises(rv.ReviewError, match="no longer in the folder"):
            rv.document_file(world.store, "S3-0004", name)
    link = folder / "passwd.pdf"
    link.symlink_to("/etc/passwd")
    try:
        with pytest.raises(rv.ReviewError):
            rv.document_file(world.store, "S3-0004", "passwd.pdf")
    finally:
        link.unlink()


# ------------------------------------------------------------------------------------------ CSRF


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(world: World) -> None:
    world.free("S3-0003")
    b = world.browser("sam")  # a supervisor may do every one of them
    b.open_case("S3-0003")
    version = b.version()
    posts = [path for method, path in _routes(world.app) if method == "POST" and path != "/login"]
    assert set(posts) == set(POSTS_WITH_DATA), "a new POST route: add it to POSTS_WITH_DATA"
    before = (world.version("S3-0003"), rv.audit(world.store, "S3-0003"), rv.holder(world.store, "S3-0003"))
    for path in posts:
        data = {**POSTS_WITH_DATA[path], "version": str(version)}
        files = ({"file": ("x.pdf", io.BytesIO(world.taken_out), "application/pdf")} if "upload" in path
                 else None)
        for kw in ({"with_token": False}, {"token": "forged-token"}, {"token": ""}):
            r = b.post(path, data, files=files, follow=False, **kw)
            assert r.status_code == 403, (path, kw, r.status_code)
            assert "security token" in r.text
        # the right token from another site's page is refused as well
        r = b.post(path, data, files=files, follow=False, headers={"origin": "http://evil.example"})
        assert r.status_code == 403 and "another site" in r.text, path
    after = (world.version("S3-0003"), rv.audit(world.store, "S3-0003"), rv.holder(world.store, "S3-0003"))
    assert after == before
    assert b.client.get("/queue", follow_redirects=False).status_code == 200  # still logged in
    # the login form has a token too
    anonymous = Browser(world.app)
    r = anonymous.client.post("/login", data={"username": "alice", "password": PASSWORD},
                              follow_redirects=False)
    assert r.status_code == 403


# ----------------------------------------------------------------------------------------- roles


def test_only_a_supervisor_reopens_and_releases_anothers_case(world: World) -> None:
    world.free("S3-0006")
    alice, bob, sam = world.browser("alice"), world.browser("bob"), world.browser("sam")
    alice.post("/cases/S3-0006/take", {})
    assert rv.holder(world.store, "S3-0006") == "alice"
    q = page(bob.get("/queue").text)
    row = next(r for r in q.find_all("queue-row") if r.attrs["data-case-id"] == "S3-0006")
    assert text(row.find("taken-by")) == "alice" and not row.has("take-case") and not row.has("release-case")
    assert bob.post("/cases/S3-0006/release", {}, follow=False).status_code == 403
    assert rv.holder(world.store, "S3-0006") == "alice"

    alice.open_case("S3-0006")
    r = alice.post("/cases/S3-0006/decide", {"decision": "rejected", "reason": "the ID card is someone "
                                             "else's", "version": alice.version()}, follow=False)
    assert r.status_code == 303
    assert world.store.load_case("S3-0006")["case"]["status"] == "rejected"  # type: ignore[index]
    assert rv.holder(world.store, "S3-0006") == ""  # a decision gives the case back
    case = alice.open_case("S3-0006")
    assert not case.has("approve") and not case.has("reopen") and case.has("decided")
    assert alice.post("/cases/S3-0006/reopen", {"reason": "let me"}, follow=False).status_code == 403
    assert world.store.load_case("S3-0006")["case"]["status"] == "rejected"  # type: ignore[index]

    case = sam.open_case("S3-0006")
    assert case.has("reopen")
    r = sam.post("/cases/S3-0006/reopen", {"reason": "the card was checked again"})
    assert r.status_code == 200
    case = page(r.text)
    assert case.find("case-status").attrs["data-status"] == "needs_review" and case.has("approve")
    whats = [text(a.find("audit-what")) for a in case.find_all("audit-row")]
    assert whats[:2] == ["decision", "decision"]
    assert [text(a.find("audit-who")) for a in case.find_all("audit-row")][:2] == ["sam", "alice"]

    # a supervisor releases anyone's claim
    bob.post("/cases/S3-0006/take", {})
    assert sam.post("/cases/S3-0006/release", {}, follow=False).status_code == 303
    assert rv.holder(world.store, "S3-0006") == ""


# --------------------------------------------------------------------------------------- uploads


def _png(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, 255).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, ".exe cannot be uploaded"),
    ("invoice.pdf", _png(), "named .pdf but its content is not"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * rv.MAX_UPLOAD_BYTES, "1 byte to 25 MB"),
])
def test_an_upload_of_a_wrong_type_or_size_is_refused(world: World, name: str, data: bytes,
                                                      message: str) -> None:
    world.free("S3-0004")
    b = world.browser("alice")
    b.open_case("S3-0004")
    version, files_before = b.version(), world.folder_files()
    audit_before = rv.audit(world.store, "S3-0004")
    r = b.post("/cases/S3-0004/upload", {"version": version},
               files={"file": (name, io.BytesIO(data), "application/octet-stream")})
    assert r.status_code == 400 and message in r.text
    assert page(r.text).has("problem")
    assert world.folder_files() == files_before and world.version("S3-0004") == version
    assert rv.audit(world.store, "S3-0004") == audit_before


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(world: World) -> None:
    b = world.browser("alice")
    b.open_case("S3-0004")
    r = b.post("/cases/S3-0004/upload", {"version": b.version()},
               files={"file": ("big.pdf", io.BytesIO(b"%PDF-" + b"0" * BODY_LIMIT), "application/pdf")})
    assert r.status_code == 413 and "larger than" in r.text
    # sent without a length (chunked), it is cut off once past the limit

    def chunks() -> Iterator[bytes]:
        yield (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
               b"Content-Type: application/pdf\r\n\r\n%PDF-")
        for _ in range(BODY_LIMIT // (1 << 20) + 1):
            yield b"0" * (1 << 20)

    r = b.client.post("/cases/S3-0004/upload", content=chunks(),
                      headers={"content-type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 413 and "content-length" not in r.request.headers


# ----------------------------------------------------------------------------------------- paths


@pytest.mark.parametrize("path", [
    "/cases/..%2F..%2Fetc%2Fpasswd",
    "/cases/%2E%2E",
    "/cases/%2E%2E/documents/d1/pages/1",
    "/cases/..%2F..%2Fetc/documents/d1/pages/1",
    "/cases/S3-0003/documents/..%2F..%2F..%2Fetc%2Fpasswd/pages/1",
    "/cases/S3-0003/documents/%2E%2E/pages/1",
    "/cases/S3-0003/documents/d1/pages/99",
    "/cases/S3-0003/documents/d1/pages/..%2F..%2Fetc%2Fpasswd",
    "/static/..%2F..%2F..%2Fetc%2Fpasswd",
    "/static/../../pipeline/store.py",
])
def test_a_path_in_a_request_never_reads_a_file_outside_the_case_folders(world: World, path: str) -> None:
    b = world.browser("alice")
    r = b.client.get(path, follow_redirects=False)
    assert r.status_code in (404, 422), (path, r.status_code)
    assert "root:" not in r.text and "class Store" not in r.text


def test_an_upload_name_with_folders_is_written_inside_the_case_folder(world: World) -> None:
    """Also: the browser's content type is not trusted; the name's type and the bytes decide."""
    world.free("S3-0004")
    b = world.browser("alice")
    b.open_case("S3-0004")
    outside = world.inbox.parent / "evil.jpg"
    card = (DEMO / "S3-0004" / "IMG_20251020_153252.jpg").read_bytes()  # OCRed already: the cache
    r = b.post("/cases/S3-0004/upload", {"version": b.version()},
               files={"file": ("../../evil.jpg", io.BytesIO(card), "text/html")})
    assert r.status_code == 200, r.text[:300]
    assert not outside.exists() and not (world.inbox / "evil.jpg").exists()
    assert (world.inbox / "S3-0004" / "evil.jpg").read_bytes() == card
    case = page(r.text)
    assert any("evil.jpg" in text(a) for a in case.find_all("audit-row"))
    assert any(d.attrs.get("data-doc-type") == "insurance_card" and "evil.jpg" in text(d)
               for d in case.find_all() if d.testid.startswith("doc-d"))


# -------------------------------------------------------------------------------------- conflict


def test_two_reviewers_saving_the_same_case_the_second_is_told_and_nothing_is_lost(world: World) -> None:
    world.free("S3-0006")
    alice, bob = world.browser("alice"), world.browser("bob")
    alice.open_case("S3-0006")
    bob.open_case("S3-0006")
    version = alice.version()
    assert bob.version() == version
    field = {"doc_id": "d1", "name": "hospital"}
    r = alice.post("/cases/S3-0006/field", {**field, "value": "Alice General Hospital", "version": version})
    assert r.status_code == 200 and page(r.text).has("flash")
    r = bob.post("/cases/S3-0006/field", {**field, "value": "Bob's Hospital", "version": version})
    assert r.status_code == 409
    shown = page(r.text)
    assert "changed by someone else" in text(shown.find("conflict"))
    box = shown.find("edit-field-d1-hospital")
    assert box.attrs["value"] == "Bob's Hospital" and "pending" in box.classes  # bob's value, again
    assert "Alice General Hospital" in text(shown.find("field-d1-hospital"))  # the current value
    stored = world.store.load_case("S3-0006")
    assert stored is not None
    assert stored["documents"][0]["fields"]["hospital"]["value"] == "Alice General Hospital"
    mine = [c for c in rv.audit(world.store, "S3-0006") if c.target == "field" and c.name == "hospital"]
    assert [(c.author, c.new_value) for c in mine][-1] == ("alice", "Alice General Hospital")
    assert all(c.author != "bob" for c in mine)
    # once alice holds the case, bob's save on the current version is refused with her name
    r = bob.post("/cases/S3-0006/field", {**field, "value": "Bob's Hospital", "version": bob.version()})
    assert r.status_code == 409 and "alice is working on this case" in r.text


# ------------------------------------------------------------------------------------ the pages


def _rows(html: str) -> dict[str, Element]:
    return {r.attrs["data-case-id"]: r for r in page(html).find_all("queue-row")}


def test_the_queue_lists_flagged_cases_oldest_first_in_plain_words(world: World) -> None:
    world.free("S3-0006")
    b = world.browser("bob")
    rows = _rows(b.get("/queue").text)
    assert list(rows) == [row.case_id for row in rv.queue(world.store)]  # oldest first
    assert "S3-0006" in rows and "S3-0004" not in rows  # S3-0004 was approved by the pipeline
    words = {r.attrs["data-code"]: text(r) for r in rows["S3-0006"].find_all("queue-reason")}
    assert words["identity_mismatch"] == "Patient name or ID differs between documents"
    assert "_" not in " ".join(words.values())
    assert list(_rows(b.get("/queue?reason=identity_mismatch").text)) == ["S3-0006"]
    assert "S3-0006" in _rows(b.get("/queue?claim_type=inpatient_local").text)
    assert "S3-0006" not in _rows(b.get("/queue?claim_type=outpatient").text)
    # take: others see who has it; release
    rows = _rows(b.post("/cases/S3-0006/take", {"back": "queue"}).text)
    assert text(rows["S3-0006"].find("taken-by")) == "you" and rows["S3-0006"].has("release-case")
    rows = _rows(world.browser("alice").get("/queue").text)
    assert text(rows["S3-0006"].find("taken-by")) == "bob" and not rows["S3-0006"].has("take-case")
    rows = _rows(b.post("/cases/S3-0006/release", {"back": "queue"}).text)
    assert rows["S3-0006"].has("take-case") and rv.holder(world.store, "S3-0006") == ""


def test_the_case_page_shows_pages_boxes_and_marks(world: World) -> None:
    b = world.browser("bob")
    case = b.open_case("S3-0006")
    data = world.store.load_case("S3-0006")
    assert data is not None
    for d in data["documents"]:
        for p in d["pages_read"]:
            img = case.find(f"page-image-{d['doc_id']}-{p['page_no']}")
            r = b.client.get(img.attrs["src"])
            assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
            shown = Image.open(io.BytesIO(r.content))
            assert abs(shown.width / shown.height - p["width"] / p["height"]) < 0.01
        for name, f in d["fields"].items():
            cell = case.find(f"field-{d['doc_id']}-{name}")
            if f["box"] is not None:
                box = case.find(f"box-{d['doc_id']}-{name}")
                assert cell.attrs["data-box"] == box.attrs["id"]
                assert re.fullmatch(r"left:[\d.]+%;top:[\d.]+%;width:[\d.]+%;height:[\d.]+%",
                                    box.attrs["style"])
            if f["conf"] < 0.5:
                assert "low" in cell.classes and cell.has("low-confidence")
    # the values an open finding points at are marked
    pointed = [(f["doc_id"], f["field"]) for f in data["findings"]
               if f["doc_id"] and f["field"] and not f["accepted"]]
    assert pointed, "S3-0006 has an identity finding on a document's field"
    for doc_id, name in pointed:
        cell = case.find(f"field-{doc_id}-{name}")
        assert "flagged" in cell.classes and cell.has("flagged")
    codes = {f.attrs["data-code"] for f in case.find_all("finding")}
    assert "identity_mismatch" in codes
    finding = next(f for f in case.find_all("finding") if f.attrs["data-code"] == "identity_mismatch")
    assert "What to do" in text(finding)


# -------------------------------------------------------------------------------------- the flow


def _open_codes(case: Element) -> set[str]:
    return {f.attrs["data-code"] for f in case.find_all("finding") if f.attrs["data-accepted"] == "no"}


def test_a_reviewer_fixes_a_case_and_the_export_shows_it(world: World) -> None:
    world.free("S3-0003")
    b = world.browser("alice")
    case = b.open_case("S3-0003")
    assert {"total_mismatch", "missing_document"} <= _open_codes(case)

    # 1. the missing reimbursement form uploaded (its name's folders are dropped): read at once
    r = b.post("/cases/S3-0003/upload", {"version": b.version()},
               files={"file": (f"../../{TAKEN_OUT[1]}", io.BytesIO(world.taken_out), "application/pdf")})
    assert r.status_code == 200, r.text[:500]
    case = page(r.text)
    assert "checks ran again" in text(case.find("flash"))
    assert "missing_document" not in _open_codes(case) and "total_mismatch" in _open_codes(case)
    assert any(d.attrs.get("data-doc-type") == "reimbursement_form" for d in case.find_all()
               if d.testid.startswith("doc-d"))
    assert world.inbox.joinpath(*TAKEN_OUT).read_bytes() == world.taken_out
    assert text(case.find("holder")).startswith("You are working on this case")

    # 2. the invoice's total corrected to the fee list's: the total finding goes at once
    data = world.store.load_case("S3-0003")
    assert data is not None
    invoice = next(d for d in data["documents"] if d["doc_type"] == "medical_invoice")
    fee_list = next(d for d in data["documents"] if d["doc_type"] == "fee_list")
    fee_total = fee_list["fields"]["total_amount"]["value"]
    old_total = invoice["fields"]["total_amount"]["value"]
    doc_id = invoice["doc_id"]
    assert old_total != fee_total
    r = b.post("/cases/S3-0003/field", {"doc_id": doc_id, "name": "total_amount", "value": fee_total,
                                        "version": b.version()})
    assert r.status_code == 200
    case = page(r.text)
    assert fee_total in text(case.find(f"field-{doc_id}-total_amount"))
    assert "total_mismatch" not in _open_codes(case)

    # 3. a finding left accepted with a reason (a warning, if any is left)
    left = [f for f in case.find_all("finding") if f.attrs["data-accepted"] == "no"]
    accepted = None
    if left:
        f = left[0]
        accepted = f.attrs["data-code"]
        r = b.post("/cases/S3-0003/accept", {
            "code": accepted, "field": f.attrs["data-field"], "doc_id": f.attrs["data-doc-id"],
            "line_no": f.attrs["data-line-no"], "reason": "checked on the page: it is right",
            "version": b.version()})
        assert r.status_code == 200
        done = [g for g in page(r.text).find_all("finding") if g.attrs["data-code"] == accepted]
        assert done and all(g.attrs["data-accepted"] == "yes" for g in done)

    # 4. approved with a reason
    r = b.post("/cases/S3-0003/decide", {"decision": "approved", "reason": "total corrected from the "
                                         "fee list; form received", "version": b.version()})
    assert r.status_code == 200
    case = page(r.text)
    assert case.find("case-status").attrs["data-status"] == "approved" and case.has("decided")
    assert not case.has("approve") and not case.has("upload-file")
    audit = [(text(a.find("audit-who")), text(a.find("audit-what")), text(a.find("audit-old")),
              text(a.find("audit-new"))) for a in case.find_all("audit-row")]
    assert ("alice", f"field total_amount of {doc_id}", old_total, fee_total) in audit
    assert audit[0][1:] == ("decision", "", "approved")
    assert any(what.startswith("uploaded document") for _, what, _, _ in audit)

    frames = world.store.export(["S3-0003"])
    assert frames["cases"].loc[0, "status"] == "approved" and frames["cases"].loc[0, "reasons"] == ""
    docs = frames["documents"]
    assert docs.loc[docs["doc_id"] == doc_id, "total_amount"].item() == fee_total
    assert "reimbursement_form" in set(docs["doc_type"])
    if accepted:
        findings = frames["findings"]
        reasons = findings.loc[findings["code"] == accepted, "accepted"]
        assert (reasons == "checked on the page: it is right").all()
    assert "S3-0003" not in [r.case_id for r in rv.queue(world.store)]


def test_a_line_item_edit_reruns_the_checks_and_marks_the_line(world: World) -> None:
    world.free("S3-0004")
    b = world.browser("bob")
    b.open_case("S3-0004")
    data = world.store.load_case("S3-0004")
    assert data is not None
    fees = next(d for d in data["documents"] if d["doc_type"] == "fee_list")  # a text layer
    item = next(it for it in fees["line_items"] if it["quantity"] not in ("", "1"))
    doc_id, n, amount = fees["doc_id"], item["line_no"], item["amount"]
    wrong = f"{float(amount) + 10:.2f}"
    status = data["case"]["status"]
    r = b.post("/cases/S3-0004/line", {"doc_id": doc_id, "line_no": n, "amount": wrong,
                                       "version": b.version()})
    assert r.status_code == 200
    case = page(r.text)
    flagged = [f for f in case.find_all("finding") if f.attrs["data-code"] == "line_amount_mismatch"]
    assert [(f.attrs["data-doc-id"], f.attrs["data-line-no"]) for f in flagged] == [(doc_id, str(n))]
    assert case.find("case-status").attrs["data-status"] == "needs_review"
    row = case.find(f"line-{doc_id}-{n}")
    assert "flagged" in row.classes and text(case.find(f"line-{doc_id}-{n}-amount")) == wrong
    assert case.has(f"box-{doc_id}-line-{n}") and "flagged" in case.find(f"box-{doc_id}-line-{n}").classes
    audit = case.find_all("audit-row")[0]
    assert (text(audit.find("audit-what")), text(audit.find("audit-old")), text(audit.find("audit-new"))) == (
        f"line {n} amount of {doc_id}", amount, wrong)
    r = b.post("/cases/S3-0004/line", {"doc_id": doc_id, "line_no": n, "amount": amount,
                                       "version": b.version()})
    case = page(r.text)
    assert "line_amount_mismatch" not in _open_codes(case)
    assert case.find("case-status").attrs["data-status"] == status


def test_changing_a_documents_type_extracts_it_again(world: World) -> None:
    world.free("S3-0004")
    b = world.browser("bob")
    b.open_case("S3-0004")
    data = world.store.load_case("S3-0004")
    assert data is not None
    card = next(d for d in data["documents"] if d["source_file"] == "IMG_20251020_154352.jpg")
    doc_id, old = card["doc_id"], card["doc_type"]
    r = b.post("/cases/S3-0004/doc-type", {"doc_id": doc_id, "doc_type": "other", "version": b.version()})
    assert r.status_code == 200
    case = page(r.text)
    assert case.find(f"doc-{doc_id}").attrs["data-doc-type"] == "other"
    assert not case.find(f"fields-{doc_id}").find_all(tag="td")  # an `other` document has no fields
    row = page(r.text).find_all("audit-row")[0]
    assert (text(row.find("audit-what")), text(row.find("audit-old")), text(row.find("audit-new"))) == (
        f"document type of {doc_id}", old, "other")
    r = b.post("/cases/S3-0004/doc-type", {"doc_id": doc_id, "doc_type": old, "version": b.version()})
    case = page(r.text)
    assert case.find(f"doc-{doc_id}").attrs["data-doc-type"] == old
    assert text(case.find(f"field-{doc_id}-{next(iter(card['fields']))}"))


# --------------------------------------------------------------------------------- page geometry


def _words(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.lower())


def _read_crop(image: Image.Image, pos: dict[str, float]) -> str:
    w, h = image.size
    pad_x, pad_y = 0.01 * w, 0.004 * h
    box = (max(0, pos["left"] / 100 * w - pad_x), max(0, pos["top"] / 100 * h - pad_y),
           min(w, (pos["left"] + pos["width"]) / 100 * w + pad_x),
           min(h, (pos["top"] + pos["height"]) / 100 * h + pad_y))
    left, top, right, bottom = (round(v) for v in box)
    crop = ImageOps.grayscale(image.crop((left, top, right, bottom)))
    crop = ImageOps.expand(crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.LANCZOS),
                           border=20, fill=255)
    return str(pytesseract.image_to_string(crop, config="--psm 7"))


@pytest.mark.parametrize(("case_id", "source", "page_no", "what"), [
    ("S3-0003", "scan_0002.pdf", 1, "a scanned PDF page"),
    ("S3-0003", "scan_0002.pdf", 2, "a page scanned a quarter turned"),
    ("S3-0006", "CamScanner 03-11-2025 8.47.pdf", 6, "a page scanned upside down"),
    ("S3-0004", "IMG_20251020_153252.jpg", 1, "a card photographed on a desk"),
    ("S3-0003", "Scan 2025-04-24 10.21.pdf", 1, "a card scanned on a flatbed, cut out of the page"),
])
def test_a_values_box_on_the_served_page_image_holds_the_value(world: World, case_id: str, source: str,
                                                                page_no: int, what: str) -> None:
    """The crop of each located value's box, from the image the app serves and at the box's
    percent position the page gives it, is OCRed again and must read the value as printed."""
    b = world.browser("bob")
    case = b.open_case(case_id)
    data = world.store.load_case(case_id)
    assert data is not None
    doc = next(d for d in data["documents"] if d["source_file"] == source
               and any(p["page_no"] == page_no for p in d["pages_read"]))
    r = b.client.get(case.find(f"page-image-{doc['doc_id']}-{page_no}").attrs["src"])
    assert r.status_code == 200
    image = Image.open(io.BytesIO(r.content))
    expected = {f"box-{doc['doc_id']}-{name}": f["raw"] for name, f in doc["fields"].items()
                if f["page_no"] == page_no and f["box"] is not None and name != "address"}  # 2 lines
    expected.update({f"box-{doc['doc_id']}-line-{it['line_no']}": it["item_name"]
                     for it in doc["line_items"][:5] if it["page_no"] == page_no and it["box"] is not None})
    assert len(expected) >= 3, f"{what}: too few located values to check"
    misread = {}
    for box_id, value in expected.items():
        read = _read_crop(image, _style(case.find(box_id)))
        if fuzz.partial_ratio(_words(value), _words(read)) < 80:
            misread[box_id] = read
    assert not misread, (what, sorted(misread))


def _style(box: Element) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"(\w+):([\d.]+)%", box.attrs["style"])}
