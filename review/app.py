"""The reviewers' web app: a queue of flagged cases and a case page where a case is fixed with the
page images beside the data. Server-rendered (Jinja2), a thin layer over `pipeline.review`.

    app = create_app(db_url, catalogue=None, secret=None)    # `claims review serve` runs it

Routes (every one but /login and /static needs a logged-in user; every POST needs the session's
CSRF token and, when the browser names one, our own Origin/Referer):

    GET  /login, POST /login, POST /logout
    GET  /queue?reason=&claim_type=                  cases in needs_review, oldest first
    POST /cases/{id}/take | /release                 work a case / give it back
    GET  /cases/{id}                                 the case page
    GET  /cases/{id}/documents/{doc_id}/pages/{n}    a page image (JPEG), as its boxes see it
    POST /cases/{id}/field | /line | /doc-type | /upload | /accept    fixes; each re-runs the checks
    POST /cases/{id}/decide                          approve or reject, with a reason
    POST /cases/{id}/reopen                          supervisors only

Saves carry the case's version: a save made on an older version is refused with the case page
showing what changed and the reviewer's own values again (nothing is lost). Saves of one case are
serialised in this process, so the version check and the save cannot interleave.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pipeline import ledger
from pipeline import review as rv
from pipeline.errors import BadFileError
from pipeline.ledger import Correction
from pipeline.models import CLAIM_TYPES, DOC_TYPES
from pipeline.reading.cache import file_hash
from pipeline.settings import Settings
from pipeline.store import Store, StoreError
from pipeline.tables import CaseResult
from review import views
from review.pages import PageCache, PageGeometry
from review.security import (
    BodyLimit,
    BodyTooLarge,
    LoginRequired,
    LoginThrottle,
    SecurityHeaders,
    load_secret,
    new_token,
    safe_next,
    same_origin,
    token_ok,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "claims_review"
SESSION_MAX_AGE = 8 * 3600  # a working day; then log in again
BODY_LIMIT = rv.MAX_UPLOAD_BYTES + (1 << 20)  # an upload plus the form around it
MAX_TEXT = 2000  # characters of a value or reason typed into a form
MAX_FORM_FIELDS = 40


@dataclass
class Review:
    """What the routes share (app.state.review)."""

    store: Store
    rc: rv.ReviewContext
    settings: Settings
    pages: PageCache
    throttle: LoginThrottle
    templates: Jinja2Templates
    logged_out: dict[str, float] = field(default_factory=dict)  # user -> time of their last logout
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _hashes: dict[tuple[str, int, int, int], str] = field(default_factory=dict)

    @contextmanager
    def case_lock(self, case_id: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(case_id, threading.Lock())
        with lock:
            yield

    def file_sha256(self, path: Path) -> str:
        st = path.stat()
        key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
        with self._guard:
            known = self._hashes.get(key)
        if known is None:
            known = file_hash(path)
            with self._guard:
                self._hashes[key] = known
        return known

    def session_user(self, session: dict[str, Any]) -> rv.User | None:
        """The session's user, while the user exists and has not logged out since."""
        username, since = session.get("user"), session.get("since")
        if not isinstance(username, str) or not isinstance(since, int | float):
            return None
        if since <= self.logged_out.get(username, 0.0):
            return None
        return rv.get_user(self.store, username)


class Refused(Exception):
    """A save refused for a reason the reviewer can act on (shown on the case page)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def create_app(db_url: str | None = None, catalogue: Path | None = None, secret: str | None = None, *,
               secure_cookies: bool = False, page_cache: Path | None = None,
               settings: Settings | None = None, workdir: Path | None = None) -> FastAPI:
    """The app over the store at `db_url` (default: claims.db here). `secret` signs the session
    cookies (else CLAIMS_REVIEW_SECRET, else `.claims-review-secret` in `workdir`); page images are
    cached under `page_cache` (default: `review-pages` in the OCR cache folder, else a temporary
    folder). `secure_cookies` marks the cookie Secure (serve it behind HTTPS)."""
    settings = settings or Settings.from_env()
    signing = load_secret(secret, workdir)
    store = Store.open(db_url)
    rc = rv.ReviewContext.open(store, catalogue, settings)
    if page_cache is None:
        import tempfile

        page_cache = (settings.cache_dir / "review-pages" if settings.cache_dir is not None
                      else Path(tempfile.mkdtemp(prefix="claims-review-pages-")))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    templates.env.filters["q"] = lambda value: quote(str(value), safe="")
    templates.env.globals["plain"] = views.plain
    review = Review(store, rc, settings, PageCache(page_cache, settings), LoginThrottle(), templates)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="claims review", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.review = review
    # Starlette runs the last added outermost: limits and headers, then the session, then the wall.
    app.add_middleware(LoginRequired, lookup=review.session_user)
    app.add_middleware(SessionMiddleware, secret_key=signing, session_cookie=SESSION_COOKIE,
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=secure_cookies)
    app.add_middleware(BodyLimit, limit=BODY_LIMIT)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _routes(app, review)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(review, request, exc.status_code, str(exc.detail))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error_page(review, request, 503, str(exc))

    return app


# ------------------------------------------------------------------------------------------- helpers


def _error_page(review: Review, request: Request, status: int, message: str) -> Response:
    user = getattr(request.state, "user", None)
    return review.templates.TemplateResponse(
        request, "error.html", {"user": user, "status": status, "message": message,
                                "csrf": request.session.get("csrf", "")}, status_code=status)


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session["csrf"] = token
    return token


def _flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def _user(request: Request) -> rv.User:
    user = getattr(request.state, "user", None)
    if not isinstance(user, rv.User):  # the login wall sets it; never reached without one
        raise HTTPException(401, "Log in first.")
    return user


async def checked_form(request: Request) -> FormData:
    """The form of a POST, once it is sure the request comes from our own page: the Origin (or
    Referer) is this host, and the form carries the session's CSRF token. Else 403, before
    anything is done."""
    if not same_origin(request.headers.get("origin"), request.headers.get("referer"),
                       request.headers.get("host")):
        raise HTTPException(403, "This form was sent from another site, so it was refused: open the "
                                 "review app and do it there.")
    try:
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=64 * 1024)
    except BodyTooLarge:
        raise  # answered 413 by BodyLimit
    except Exception:  # a malformed body (multipart errors, bad encodings)
        raise HTTPException(400, "The form could not be read: reload the page and send it again.") from None
    if not token_ok(request.session.get("csrf"), form.get("csrf_token")):
        raise HTTPException(403, "The form's security token is missing or out of date (it came from "
                                 "an old page, or from another site): reload the page and try again.")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def _text(form: FormData, name: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        if required:
            raise HTTPException(400, f"The form lacks {name!r}: reload the page and try again.")
        return ""
    if len(value) > limit:
        raise HTTPException(400, f"{name} is longer than {limit} characters: shorten it.")
    return value.strip()


def _int(form: FormData, name: str) -> int:
    raw = _text(form, name, required=True, limit=20)
    try:
        return int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number: reload the page and try again.") from None


def _case_url(case_id: str, anchor: str = "") -> str:
    return f"/cases/{quote(case_id, safe='')}" + (f"#{anchor}" if anchor else "")


def _summary(case: CaseResult) -> str:
    errors = [f for f in case.findings if f.severity == "error" and not f.accepted]
    warnings = [f for f in case.findings if f.severity == "warning" and not f.accepted]
    if case.decision:
        return f"The case is {case.decision}."
    if not errors:
        left = "no open error findings"
    else:
        words = sorted({views.plain(f.code) for f in errors})
        left = f"{len(errors)} open error finding(s): " + "; ".join(words)
    return f"The checks ran again: {left}" + (f", {len(warnings)} warning(s)." if warnings else ".")


# --------------------------------------------------------------------------------------------- pages


def _case_page(review: Review, request: Request, case_id: str, *, status: int = 200,
               problem: str = "", conflict: bool = False, pending: dict[str, Any] | None = None) -> Response:
    data = review.store.load_case(case_id)
    if data is None:
        raise HTTPException(404, f"There is no case {case_id!r}: go back to the queue.")
    user = _user(request)
    corrections = rv.audit(review.store, case_id)
    decision = ledger.decision_of(corrections)
    holder = rv.holder(review.store, case_id)
    flashes = request.session.pop("flash", [])
    docs = views.documents(data)
    ctx = {
        "user": user, "csrf": _csrf(request), "case": data["case"], "case_id": case_id,
        "docs": docs, "findings": views.findings(data, docs),
        "audit": views.audit(corrections), "decision": decision, "holder": holder,
        "editable": not decision, "doc_types": DOC_TYPES, "item_columns": views.ITEM_COLUMNS,
        "flashes": flashes, "problem": problem, "conflict": conflict, "pending": pending or {},
        "low_conf": views.LOW_CONF, "max_upload_mb": rv.MAX_UPLOAD_BYTES >> 20,
        "upload_types": ", ".join(sorted(rv.UPLOAD_TYPES)),
    }
    return review.templates.TemplateResponse(request, "case.html", ctx, status_code=status)


def _save(review: Review, request: Request, case_id: str, version: int, pending: dict[str, Any],
          change: Callable[[rv.User, int, dict[str, Any]], CaseResult], anchor: str = "",
          take: bool = True) -> Response:
    """Run one change of a case: version first (a stale page gets the conflict answer with the
    reviewer's values), then who holds the case (another reviewer's case is refused), then the
    change and its re-check, after which a free case is taken for the user (`take`); back to the
    case page with what the checks found."""
    user = _user(request)
    with review.case_lock(case_id):
        data = review.store.load_case(case_id)
        if data is None:
            raise HTTPException(404, f"There is no case {case_id!r}: go back to the queue.")
        try:
            current = int(data["case"]["version"])
            if current != version:
                raise rv.Conflict(
                    f"Case {case_id} was changed by someone else since you opened it (version {version}, "
                    f"now {current}); your change was NOT saved. The page now shows the current values "
                    "and findings; your values are filled in again below: check them and save again.")
            decision = ledger.decision_of(rv.audit(review.store, case_id))
            if decision:
                raise Refused(f"The case is already {decision}; a supervisor can reopen it.", 409)
            holder = rv.holder(review.store, case_id)
            if holder and holder != user.username and not user.supervisor:
                raise Refused(f"{holder} is working on this case: ask them to release it (or a "
                              "supervisor), then try again.", 409)
            case = change(user, version, data)
            if not holder and take:  # saved: others now see who works the case
                rv.take(review.store, case_id, user)
        except rv.Conflict as exc:
            return _case_page(review, request, case_id, status=409, problem=str(exc), conflict=True,
                              pending=pending)
        except (Refused, rv.ReviewError, BadFileError) as exc:
            status = exc.status if isinstance(exc, Refused) else 400
            return _case_page(review, request, case_id, status=status, problem=str(exc), pending=pending)
    _flash(request, "ok", f"Saved. {_summary(case)}")
    return RedirectResponse(_case_url(case_id, anchor), status_code=303)


def _doc(data: dict[str, Any], doc_id: str) -> dict[str, Any]:
    for d in data["documents"]:
        if d["doc_id"] == doc_id:
            return dict(d)
    raise Refused(f"The case has no document {doc_id!r} any more: the page is out of date, reload it.")


def _routes(app: FastAPI, review: Review) -> None:
    templates = review.templates

    # ------------------------------------------------------------------------------------- login

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "") -> Response:
        return templates.TemplateResponse(request, "login.html", {
            "csrf": _csrf(request), "next": safe_next(next), "user": None, "problem": ""})

    @app.post("/login")
    def login(request: Request, form: CheckedForm) -> Response:
        username = _text(form, "username", limit=64)
        password = form.get("password")
        target = safe_next(_text(form, "next", limit=500))
        client = request.client.host if request.client else "?"
        wait = review.throttle.wait_seconds(username, client)
        problem, status = "", 200
        if wait:
            problem, status = (f"Too many failed logins: wait {max(1, wait // 60)} minute(s), then try "
                               "again (or ask a supervisor to check your account).", 429)
        elif not isinstance(password, str) or not username or not password:
            problem, status = "Enter your user name and password.", 400
        else:
            user = rv.check_password(review.store, username, password)
            if user is None:
                review.throttle.failed(username, client)
                problem, status = "Wrong user name or password.", 401
            else:
                review.throttle.succeeded(username)
                request.session.clear()  # a fresh session: nothing from before the login carries over
                request.session.update({"user": user.username, "since": time.time(),
                                        "csrf": new_token()})
                return RedirectResponse(target, status_code=303)
        return templates.TemplateResponse(request, "login.html", {
            "csrf": _csrf(request), "next": target, "user": None, "problem": problem,
            "username": username}, status_code=status)

    @app.post("/logout")
    def logout(request: Request, form: CheckedForm) -> Response:
        user = _user(request)
        review.logged_out[user.username] = time.time()  # every session of the user ends
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ------------------------------------------------------------------------------------- queue

    @app.get("/")
    def home() -> Response:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/queue", response_class=HTMLResponse)
    def queue_page(request: Request, reason: str = "", claim_type: str = "") -> Response:
        user = _user(request)
        everything = rv.queue(review.store)
        rows = rv.queue(review.store, reason=reason or None, claim_type=claim_type or None)
        reasons = sorted({code for r in everything for code in r.reasons})
        return templates.TemplateResponse(request, "queue.html", {
            "user": user, "csrf": _csrf(request), "rows": rows, "reason": reason,
            "claim_type": claim_type, "reasons": reasons, "claim_types": CLAIM_TYPES,
            "total": len(everything), "flashes": request.session.pop("flash", [])})

    @app.post("/cases/{case_id}/take")
    def take_case(request: Request, case_id: str, form: CheckedForm) -> Response:
        user = _user(request)
        if review.store.load_case(case_id) is None:
            raise HTTPException(404, f"There is no case {case_id!r}.")
        holder = rv.take(review.store, case_id, user)
        if holder == user.username:
            _flash(request, "ok", f"You are working on case {case_id}; others see it is taken.")
        else:
            _flash(request, "error", f"Case {case_id} is already taken by {holder}.")
        return RedirectResponse(_back(form, case_id), status_code=303)

    @app.post("/cases/{case_id}/release")
    def release_case(request: Request, case_id: str, form: CheckedForm) -> Response:
        user = _user(request)
        holder = rv.holder(review.store, case_id)
        if holder and holder != user.username and not user.supervisor:
            raise HTTPException(403, f"Case {case_id} is taken by {holder}; only they or a supervisor "
                                     "can release it.")
        rv.release(review.store, case_id, user)
        if holder:
            _flash(request, "ok", f"Case {case_id} is released: anyone can take it now.")
        return RedirectResponse(_back(form, case_id), status_code=303)

    def _back(form: FormData, case_id: str) -> str:
        return "/queue" if _text(form, "back", limit=10) == "queue" else _case_url(case_id)

    # -------------------------------------------------------------------------------------- case

    @app.get("/cases/{case_id}", response_class=HTMLResponse)
    def case_page(request: Request, case_id: str) -> Response:
        return _case_page(review, request, case_id)

    @app.get("/cases/{case_id}/documents/{doc_id}/pages/{page_no}")
    def page_image(case_id: str, doc_id: str, page_no: int) -> Response:
        """The page as its boxes see it. Nothing from the request is a path: the case and its
        document are looked up in the store, the file among the case folder's own files by the
        name the store recorded."""
        data = review.store.load_case(case_id)
        doc = next((d for d in data["documents"] if d["doc_id"] == doc_id), None) if data else None
        page = next((p for p in doc["pages_read"] if int(p["page_no"]) == page_no), None) if doc else None
        if data is None or doc is None or page is None:
            raise HTTPException(404, "No such page.")
        try:
            source = rv.document_file(review.store, case_id, doc["source_file"], review.settings)
            image = review.pages.get(source, review.file_sha256(source), PageGeometry.of(page))
        except (rv.ReviewError, BadFileError, OSError) as exc:
            log.warning("page image of a case could not be made: %s", type(exc).__name__)
            raise HTTPException(404, "The page's file can no longer be read: restore the case folder "
                                     "and run the case again.") from None
        return FileResponse(image, media_type="image/jpeg",
                            headers={"Cache-Control": "private, max-age=86400"})

    @app.post("/cases/{case_id}/field")
    def save_field(request: Request, case_id: str, form: CheckedForm) -> Response:
        doc_id, name = _text(form, "doc_id", True, 64), _text(form, "name", True, 64)
        value, version = _text(form, "value"), _int(form, "version")
        pending = {"kind": "field", "doc_id": doc_id, "name": name, "value": value}

        def change(user: rv.User, version: int, data: dict[str, Any]) -> CaseResult:
            doc = _doc(data, doc_id)
            if name not in doc["fields"] and name not in views.FIELD_NAMES:
                raise Refused(f"Documents have no field {name!r}.")
            old = doc["fields"].get(name, {}).get("value", "")
            if old == value:
                raise Refused(f"{name} is already {value!r}: nothing to save.")
            return rv.correct(review.rc, case_id, user, version, [Correction(
                "field", doc_id, name, value, old, source_file=doc["source_file"], pages=doc["pages"])])

        return _save(review, request, case_id, version, pending, change, f"doc-{doc_id}")

    @app.post("/cases/{case_id}/line")
    def save_line(request: Request, case_id: str, form: CheckedForm) -> Response:
        doc_id, line_no = _text(form, "doc_id", True, 64), _int(form, "line_no")
        version = _int(form, "version")
        values = {c: _text(form, c) for c in views.ITEM_COLUMNS if form.get(c) is not None}
        pending = {"kind": "line", "doc_id": doc_id, "line_no": line_no, "values": values}

        def change(user: rv.User, version: int, data: dict[str, Any]) -> CaseResult:
            doc = _doc(data, doc_id)
            item = next((it for it in doc["line_items"] if it["line_no"] == line_no), None)
            if item is None:
                raise Refused(f"Document {doc_id} has no line {line_no}: reload the page.")
            changes = [Correction("line_item", doc_id, column, value, item[column], line_no,
                                  doc["source_file"], doc["pages"])
                       for column, value in values.items() if value != item[column]]
            if not changes:
                raise Refused(f"Line {line_no} is unchanged: nothing to save.")
            return rv.correct(review.rc, case_id, user, version, changes)

        return _save(review, request, case_id, version, pending, change, f"doc-{doc_id}")

    @app.post("/cases/{case_id}/doc-type")
    def save_doc_type(request: Request, case_id: str, form: CheckedForm) -> Response:
        doc_id, doc_type, version = _text(form, "doc_id", True, 64), _text(form, "doc_type", True, 64), \
            _int(form, "version")
        pending = {"kind": "doc_type", "doc_id": doc_id, "doc_type": doc_type}

        def change(user: rv.User, version: int, data: dict[str, Any]) -> CaseResult:
            if doc_type not in DOC_TYPES:
                raise Refused(f"{doc_type!r} is not a document type.")
            doc = _doc(data, doc_id)
            if doc["doc_type"] == doc_type:
                raise Refused(f"Document {doc_id} is already a {doc_type}: nothing to save.")
            return rv.correct(review.rc, case_id, user, version, [Correction(
                "doc_type", doc_id, "doc_type", doc_type, doc["doc_type"], source_file=doc["source_file"],
                pages=doc["pages"])])

        return _save(review, request, case_id, version, pending, change, "documents")

    @app.post("/cases/{case_id}/upload")
    def upload(request: Request, case_id: str, form: CheckedForm) -> Response:
        version = _int(form, "version")
        upload = form.get("file")
        pending = {"kind": "upload"}
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise HTTPException(400, "Choose a file to upload (PDF, PNG, JPEG or TIFF).")
        data = upload.file.read(rv.MAX_UPLOAD_BYTES + 1)
        name = upload.filename

        def change(user: rv.User, version: int, _: dict[str, Any]) -> CaseResult:
            return rv.add_document(review.rc, case_id, user, version, name, data)

        return _save(review, request, case_id, version, pending, change, "documents")

    @app.post("/cases/{case_id}/accept")
    def accept(request: Request, case_id: str, form: CheckedForm) -> Response:
        code, field_name = _text(form, "code", True, 64), _text(form, "field", limit=64)
        doc_id, raw_line = _text(form, "doc_id", limit=64), _text(form, "line_no", limit=20)
        source_file = _text(form, "source_file", limit=1024)
        reason, version = _text(form, "reason"), _int(form, "version")
        line_no = int(raw_line) if raw_line.isdigit() else None
        pending = {"kind": "accept", "code": code, "doc_id": doc_id, "field": field_name,
                   "line_no": line_no, "reason": reason}

        def change(user: rv.User, version: int, data: dict[str, Any]) -> CaseResult:
            if not reason:
                raise Refused("Give a reason for accepting the finding.")
            found = [f for f in data["findings"] if (f["code"], f["field"], f["doc_id"], f["line_no"])
                     == (code, field_name, doc_id, line_no) and f["source_file"] == source_file]
            if not found:
                raise Refused("That finding is no longer there (the checks changed): reload the page.")
            if all(f["accepted"] for f in found):
                raise Refused("That finding is already accepted.")
            return rv.correct(review.rc, case_id, user, version, [Correction(
                "finding", doc_id, ledger.finding_key(code, field_name), "accepted", "", line_no,
                source_file=source_file, reason=reason)])

        return _save(review, request, case_id, version, pending, change, "findings")

    @app.post("/cases/{case_id}/decide")
    def decide(request: Request, case_id: str, form: CheckedForm) -> Response:
        decision, reason, version = _text(form, "decision", True, 16), _text(form, "reason"), \
            _int(form, "version")
        pending = {"kind": "decision", "decision": decision, "reason": reason}

        def change(user: rv.User, version: int, _: dict[str, Any]) -> CaseResult:
            if decision not in rv.DECISIONS:
                raise Refused("Approve or reject the case.")
            if not reason:
                raise Refused(f"Give a reason why the case is {decision}.")
            return rv.decide_case(review.rc, case_id, user, version, decision, reason)

        return _save(review, request, case_id, version, pending, change, take=False)

    @app.post("/cases/{case_id}/reopen")
    def reopen(request: Request, case_id: str, form: CheckedForm) -> Response:
        user = _user(request)
        if not user.supervisor:
            raise HTTPException(403, "Only a supervisor can reopen a decided case.")
        reason = _text(form, "reason")
        with review.case_lock(case_id):
            if review.store.load_case(case_id) is None:
                raise HTTPException(404, f"There is no case {case_id!r}.")
            if not reason:
                return _case_page(review, request, case_id, status=400,
                                  problem="Give a reason for reopening the case.")
            try:
                case = rv.reopen(review.rc, case_id, user, reason)
            except rv.ReviewError as exc:
                return _case_page(review, request, case_id, status=400, problem=str(exc))
        status = case.status.replace("_", " ")
        _flash(request, "ok", f"Reopened: the case is {status} again. {_summary(case)}")
        return RedirectResponse(_case_url(case_id), status_code=303)


__all__ = ["create_app"]
