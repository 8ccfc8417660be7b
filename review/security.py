"""The review app's guards: the signing secret, CSRF tokens, same-origin checks, login throttling,
a cap on request bodies, and the login wall.

    load_secret(given, workdir)     --secret / CLAIMS_REVIEW_SECRET, else a 0600 file made once
    new_token() / token_ok(...)     one CSRF token per session, compared in constant time
    same_origin(headers, host)      Origin (else Referer) must name this server when present
    LoginThrottle                   failed logins per user name and per client, with a cool-down
    BodyLimit                       requests with more body than allowed get 413 before parsing
    LoginRequired                   every path but the login page and static files needs a user
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.responses import PlainTextResponse, RedirectResponse, Response

SECRET_FILE = ".claims-review-secret"
SECRET_ENV = "CLAIMS_REVIEW_SECRET"
MIN_SECRET_CHARS = 32

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecretError(ValueError):
    """The signing secret cannot be used; the message says what to do."""


def load_secret(given: str | None, workdir: Path | None = None) -> str:
    """The secret that signs session cookies: `given` (--secret), else CLAIMS_REVIEW_SECRET,
    else the file `.claims-review-secret` of the working directory, created (mode 0600) with a
    random secret the first time, so sessions survive a restart."""
    secret = given or os.environ.get(SECRET_ENV, "")
    if secret:
        if len(secret) < MIN_SECRET_CHARS:
            raise SecretError(f"the secret must have at least {MIN_SECRET_CHARS} characters: "
                              "make one with `python -c 'import secrets; print(secrets.token_hex(32))'`")
        return secret
    path = (workdir or Path.cwd()) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise SecretError(f"{path} can be read by other users: `chmod 600 {path}`, or delete it "
                              "to have a new one made (everyone then logs in again)") from None
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) < MIN_SECRET_CHARS:
            raise SecretError(f"{path} holds no usable secret: delete it to have a new one made") from None
        return secret
    secret = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_ok(expected: object, given: object) -> bool:
    """Is `given` (from the form) the session's token? Constant time."""
    return (isinstance(expected, str) and isinstance(given, str) and bool(expected)
            and hmac.compare_digest(expected.encode(), given.encode()))


def same_origin(origin: str | None, referer: str | None, host: str | None) -> bool:
    """A state-changing request must come from our own pages: the Origin header, else the
    Referer, names this host (with its port) when the browser sends one. Browsers send Origin
    with every cross-site POST, so a form on another site fails here even before its token."""
    source = origin if origin not in (None, "") else referer
    if not source:
        return True  # no header (some privacy settings strip both): the CSRF token decides
    if source == "null":
        return False
    netloc = urlsplit(source).netloc
    return bool(host) and netloc.lower() == (host or "").lower()


class LoginThrottle:
    """Failed logins counted per user name and per client address over a window; past the
    limit, further attempts are refused until the window has passed (correct password or not)."""

    def __init__(self, per_user: int = 5, per_client: int = 30, window_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_user, self.per_client, self.window = per_user, per_client, window_s
        self._clock = clock
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._fails.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait_seconds(self, username: str, client: str) -> int:
        """0 when an attempt may be made now, else the seconds until one may."""
        now = self._clock()
        with self._lock:
            waits = []
            for key, limit in ((f"u:{username.lower()}", self.per_user), (f"c:{client}", self.per_client)):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(self.window - (now - times[-limit]))
            return max(1, round(max(waits))) if waits else 0

    def failed(self, username: str, client: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (f"u:{username.lower()}", f"c:{client}"):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._fails.pop(f"u:{username.lower()}", None)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse (413) a request whose body is over `limit` bytes: at once from its Content-Length,
    else as soon as the bytes received pass the limit (nothing is parsed or spooled past it)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await _too_large(self.limit)(scope, receive, send)


def _too_large(limit: int) -> Response:
    return PlainTextResponse(f"The request is larger than {limit >> 20} MB: send a smaller file "
                             "(split the document, or scan it at 300 dpi).", status_code=413)


PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIXES = ("/static/",)


class LoginRequired:
    """Every request but the login page and static files needs a logged-in user (looked up in
    the store on each request, so a removed user is out at once): without one, a page request is
    sent to the login page, anything else gets 401. `lookup(session)` returns the session's user
    or None; it runs in a worker thread."""

    def __init__(self, app: ASGIApp, lookup: Callable[[Any], Any]) -> None:
        self.app, self.lookup = app, lookup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        session = scope.get("session") or {}
        user = await run_in_threadpool(self.lookup, session) if session.get("user") else None
        if user is None:
            response: Response
            if scope["method"] in ("GET", "HEAD"):
                target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string")
                                 else "")
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            else:
                response = PlainTextResponse("Log in first: your session has ended or you are not "
                                             "logged in.", status_code=401)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (no `//host`, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/queue"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/queue"
    return target


class SecurityHeaders:
    """No framing, no sniffing, scripts only from our own static files."""

    CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
           "object-src 'none'")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"content-security-policy", self.CSP.encode()),
                            (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
