"""Helpers of the review app's tests: a logged-in browser-like client over FastAPI's TestClient, and a
small reader of the pages' `data-testid` elements (what the browser tests click on)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    @property
    def testid(self) -> str:
        return self.attrs.get("data-testid", "")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, testid: str | None = None, tag: str | None = None) -> list[Element]:
        out = []
        for child in self.children:
            if (testid is None or child.testid == testid) and (tag is None or child.tag == tag):
                out.append(child)
            out.extend(child.find_all(testid, tag))
        return out

    def find(self, testid: str) -> Element:
        found = self.find_all(testid)
        assert found, f"no element with data-testid={testid!r}"
        return found[0]

    def has(self, testid: str) -> bool:
        return bool(self.find_all(testid))


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.text += data


def page(html: str) -> Element:
    parser = _Parser()
    parser.feed(html)
    return parser.root


def text(el: Element) -> str:
    return " ".join(el.text.split())


class Browser:
    """One user's session: logs in through the login form, sends forms with the page's token."""

    def __init__(self, app: FastAPI, username: str | None = None, password: str | None = None,
                 base_url: str = "http://testserver") -> None:
        self.client = TestClient(app, base_url=base_url)
        self.last: Response | None = None
        if username is not None and password is not None:
            r = self.login(username, password)
            assert r.status_code == 303, r.text

    def token(self) -> str:
        html = self.client.get("/login").text if self.last is None else self.last.text
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if found is None:  # the last page had no form
            found = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get("/queue").text)
        assert found is not None
        return found.group(1)

    def login(self, username: str, password: str) -> Response:
        form = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token.group(1)}, follow_redirects=False)

    def get(self, path: str, **kw: Any) -> Response:
        self.last = self.client.get(path, **kw)
        return self.last

    def open_case(self, case_id: str) -> Element:
        r = self.get(f"/cases/{case_id}")
        assert r.status_code == 200, r.text[:500]
        return page(r.text)

    def version(self) -> int:
        assert self.last is not None
        found = re.search(r'name="version" value="(\d+)"', self.last.text)
        assert found is not None
        return int(found.group(1))

    def post(self, path: str, data: dict[str, Any], files: Any = None, token: str | None = None,
             follow: bool = True, headers: dict[str, str] | None = None,
             with_token: bool = True) -> Response:
        body = {**data, "csrf_token": self.token() if token is None else token} if with_token else dict(data)
        r = self.client.post(path, data=body, files=files, follow_redirects=follow, headers=headers)
        self.last = r
        return r
