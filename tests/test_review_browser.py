"""The reviewers' web app as a reviewer uses it: a real headless Chromium (Debian's `chromium`,
driven by Playwright with that executable; `playwright install` is never needed) against a real
`claims review serve` process, over a store filled by real `claims run`s of demo cases (real
PDFs and photos, real tesseract through the session's OCR cache).

The story case is S3-0004 (inpatient, local) with two defects planted:
    - its invoice photo is replaced by a digital invoice, rendered by the sample generator from the
      case's own plan, whose largest row and total are 100.00 too high: `total_mismatch`;
    - its discharge summary (a separate PDF) is moved out of the case folder, and a case.json names
      the claim type (else it would be inferred as outpatient): `missing_document`.
It is run first, alone, so it is the oldest flagged case; S3-0002, S3-0003 and S3-0006 (flagged
too) are added and run after it.

In the browser only, a reviewer logs in, opens the first case of the queue, takes it, looks at the
invoice total on the page image, corrects it to the fee list's total, uploads the discharge
summary and approves the case; another reviewer sees it taken meanwhile. Then the store and the
tables of a new `claims run` say `approved` with the corrected total. A second test checks what
the security headers and the cookie's flags do in the browser (no injected script runs, no other
page frames the app, scripts cannot read the session cookie), against a control with the headers
stripped.

`CLAIMS_SCREENSHOTS=1` (`make screenshots`) also saves the queue and the case page as
docs/screenshots/queue.png and case.png (the README's pictures).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pandas as pd
import pytest
from PIL import Image

from pipeline.store import Store
from tests.postgres import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, FloatRect, Locator, Page, Route, ViewportSize

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "samples" / "demo"
SHOTS = ROOT / "docs" / "screenshots"
CLAIMS = str(Path(sys.executable).parent / "claims")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
SHOT_LIMIT = 400_000  # bytes per committed PNG

STORY = "S3-0004"  # inpatient_local; plan index 3 of the demo's seed 3
DEMO_SEED, DEMO_CASES = 3, 6
INVOICE_PHOTO = "IMG_20251020_092255.jpg"  # replaced by the planted invoice
DISCHARGE = "CamScanner 10-20-2025 21.35.pdf"  # moved aside, uploaded in the browser
OTHERS = ("S3-0002", "S3-0003", "S3-0006")  # flagged by the pipeline, newer than the story case
PLANTED_EXTRA = Decimal("100.00")
PASSWORD = "a long enough password"
REVIEWERS = ("alice", "bob")


# ------------------------------------------------------------------------------------ the browser


def browser_missing() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if not CHROMIUM.is_file():
        return (f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`; "
                "`make test` does)")
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is missing: pip install -e '.[dev]'"
    return ""


def require_browser(missing: str) -> None:
    """No browser: a failure under CI (a CI that skips them proves nothing), a skip elsewhere."""
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests cannot run: {missing}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    require_browser(browser_missing())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# -------------------------------------------------------------------------------------- the site


@dataclass
class Site:
    base: str
    url: str  # the store
    inbox: Path
    out: Path
    discharge: Path  # the discharge summary taken out of the story case
    wrong_total: str  # the planted invoice total
    env: dict[str, str]
    log: Path  # the server's stderr

    def claims(self, *args: str) -> subprocess.CompletedProcess[str]:
        r = subprocess.run([CLAIMS, *args], env=self.env, cwd=self.inbox.parent, capture_output=True,
                           text=True, timeout=300, check=False)
        assert r.returncode == 0, r.stderr[-3000:]
        return r


def plant_story_case(folder: Path, aside: Path) -> str:
    """Plant the two defects into the copy of S3-0004 in `folder`; the discharge summary goes to
    `aside`. Returns the planted (wrong) invoice total."""
    from samples import render
    from samples.cases import build_case, plan_batch

    plan = build_case(plan_batch(DEMO_CASES, DEMO_SEED)[3], DEMO_SEED)
    truth = json.loads((DEMO / f"{STORY}.truth.json").read_text())
    invoice = next(d for d in plan.docs if d.spec.doc_type == "medical_invoice")
    printed = next(d["fields"]["total_amount"] for d in truth["documents"]
                   if d["doc_type"] == "medical_invoice")
    assert plan.skeleton.case_id == STORY and invoice.spec.fields["total_amount"] == printed, \
        "the sample generator no longer makes the demo's S3-0004: update this test's planting"
    # the largest row and the total too high by the same amount: the invoice agrees with itself
    rows = list(invoice.spec.lines)
    k = max(range(len(rows)), key=lambda i: rows[i].amount)
    raised = rows[k].amount + PLANTED_EXTRA
    rows[k] = dataclasses.replace(rows[k], unit_price=raised, amount=raised)
    wrong = f"{sum((r.amount for r in rows), Decimal(0)):.2f}"
    fields = {**invoice.spec.fields, "total_amount": wrong}
    spec = dataclasses.replace(invoice.spec, lines=rows, fields=fields)
    (folder / INVOICE_PHOTO).unlink()
    (folder / "invoice.pdf").write_bytes(render.render_pdf(spec, random.Random(invoice.render_seed)))
    shutil.move(folder / DISCHARGE, aside)
    (folder / "case.json").write_text(json.dumps({"claim_type": "inpatient_local"}))
    return wrong


@pytest.fixture(scope="module")
def site(chromium: Browser, tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Iterator[Site]:
    """The inbox, two `claims run`s (the story case first, alone), two reviewers, and the app
    served by `claims review serve` on a free port, as users start it."""
    work = tmp_path_factory.mktemp("review-browser")
    inbox, out = work / "inbox", work / "out"
    shutil.copytree(DEMO / STORY, inbox / STORY)
    discharge = work / DISCHARGE
    wrong = plant_story_case(inbox / STORY, discharge)
    url = f"sqlite:///{work / 'claims.db'}"
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_REVIEW_SECRET"}
    env.update({"CLAIMS_CACHE_DIR": str(ocr_cache), "OMP_THREAD_LIMIT": "1"})
    port = free_port()
    site = Site(f"http://127.0.0.1:{port}", url, inbox, out, discharge, wrong, env, work / "serve.log")
    site.claims("run", str(inbox), "--out", str(out), "--db", url)
    for case in OTHERS:
        shutil.copytree(DEMO / case, inbox / case)
    site.claims("run", str(inbox), "--out", str(out), "--db", url)
    for name in REVIEWERS:
        r = subprocess.run([CLAIMS, "users", "add", name, "--role", "reviewer", "--db", url,
                            "--password-stdin"], input=PASSWORD + "\n", env=env, capture_output=True,
                           text=True, timeout=120, check=False)
        assert r.returncode == 0, r.stderr
    with site.log.open("w") as log:
        proc = subprocess.Popen([CLAIMS, "review", "serve", "--db", url, "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=work, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{site.base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, f"the server stopped: {site.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "the server did not start in 60 s"
            time.sleep(0.3)
        yield site
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------------ page helpers


def new_context(chromium: Browser) -> BrowserContext:
    return chromium.new_context(viewport=VIEWPORT)


def log_in(page: Page, site: Site, username: str, target: str = "/queue") -> None:
    from playwright.sync_api import expect

    page.goto(site.base + target)
    expect(page).to_have_url(re.compile(r"/login\?next="))  # the wall, with the way back
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(site.base + target)
    expect(page.get_by_test_id("current-user")).to_have_text(username)


def submit(page: Page, button: Locator) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def queue_ids(page: Page) -> list[str]:
    return list(page.get_by_test_id("queue-row").evaluate_all("rs => rs.map(r => r.dataset.caseId)"))


def open_findings(page: Page) -> dict[str, str]:
    """code -> severity of the findings not accepted."""
    found = page.get_by_test_id("finding").evaluate_all(
        "fs => fs.filter(f => f.dataset.accepted === 'no').map(f => [f.dataset.code, f.dataset.severity])")
    return dict(found)


def doc_id(page: Page, doc_type: str) -> str:
    testid = page.locator(f'section[data-doc-type="{doc_type}"]').get_attribute("data-testid")
    assert testid is not None and testid.startswith("doc-")
    return testid.removeprefix("doc-")


def settled_box(locator: Locator) -> FloatRect:
    """The element's box once a smooth scroll has stopped moving it."""
    last = None
    for _ in range(50):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        time.sleep(0.1)
    raise AssertionError("the element kept moving")


def screenshot(page: Page, name: str, top: Locator | None = None, pane: Locator | None = None) -> None:
    """The README's picture (only with CLAIMS_SCREENSHOTS=1): the viewport, scrolled so that `top`
    starts it and `pane` shows its start, as a PNG (reduced to a palette if it is over the size
    limit of a committed file)."""
    if os.environ.get("CLAIMS_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    if top is not None:
        top.evaluate("el => el.scrollIntoView({block: 'start'})")
        settled_box(top)
    if pane is not None:
        pane.evaluate("el => { el.scrollTop = 0; }")
    png = page.screenshot(type="png")
    if len(png) > SHOT_LIMIT:
        buf = io.BytesIO()
        Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(
            buf, "PNG", optimize=True)
        png = buf.getvalue()
    assert len(png) <= SHOT_LIMIT, f"{name}.png is {len(png)} bytes"
    (SHOTS / f"{name}.png").write_bytes(png)


# ------------------------------------------------------------------------------------------- tests


def test_without_chromium_the_browser_tests_fail_under_ci_and_skip_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run: no chromium"):
        require_browser("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="skipped: no chromium"):
        require_browser("no chromium")
    require_browser("")  # a browser: nothing happens


def test_a_reviewer_fixes_and_approves_the_oldest_flagged_case_in_the_browser(
        chromium: Browser, site: Site) -> None:
    from playwright.sync_api import expect

    alice_ctx, bob_ctx = new_context(chromium), new_context(chromium)
    try:
        page = alice_ctx.new_page()

        # 1. log in: the queue, oldest first (the story case was stored first, though its id is not)
        log_in(page, site, "alice")
        assert queue_ids(page) == [STORY, *OTHERS]
        first = page.get_by_test_id("queue-row").first
        reasons = first.get_by_test_id("queue-reason")
        assert sorted(reasons.evaluate_all("rs => rs.map(r => r.dataset.code)")) == [
            "missing_document", "total_mismatch"]
        expect(reasons.filter(has_text="Invoice total differs from the fee list")).to_have_count(1)
        expect(first.get_by_test_id("taken-by")).to_have_text("free")
        screenshot(page, "queue")

        # 2. open it and take it
        with page.expect_navigation():
            first.get_by_test_id("open-case").click()
        expect(page).to_have_url(f"{site.base}/cases/{STORY}")
        expect(page.get_by_test_id("case-status")).to_have_attribute("data-status", "needs_review")
        assert open_findings(page) == {"missing_document": "error", "total_mismatch": "error"}
        submit(page, page.get_by_test_id("take-case"))
        expect(page.get_by_test_id("holder")).to_have_attribute("data-holder", "alice")
        expect(page.get_by_test_id("holder")).to_contain_text("You are working on this case")

        # 3. another reviewer sees it taken, and cannot change it
        bob = bob_ctx.new_page()
        log_in(bob, site, "bob")
        row = bob.locator(f'[data-testid="queue-row"][data-case-id="{STORY}"]')
        expect(row.get_by_test_id("taken-by")).to_have_text("alice")
        expect(row.get_by_test_id("take-case")).to_have_count(0)
        with bob.expect_navigation():
            row.get_by_test_id("open-case").click()
        expect(bob.get_by_test_id("holder")).to_have_attribute("data-holder", "alice")
        expect(bob.get_by_test_id("holder")).to_contain_text("alice is working on this case")
        expect(bob.get_by_test_id("take-case")).to_have_count(0)
        invoice = doc_id(bob, "medical_invoice")
        version = bob.get_by_test_id("case-version").inner_text()
        bob.get_by_test_id(f"edit-field-{invoice}-total_amount").fill("1.00")
        submit(bob, bob.get_by_test_id(f"save-field-{invoice}-total_amount"))
        expect(bob.get_by_test_id("problem")).to_contain_text("alice is working on this case")
        expect(bob.get_by_test_id("case-version")).to_have_text(version)  # nothing was saved

        # 4. clicking the invoice total shows its box on the page image
        invoice, fees = doc_id(page, "medical_invoice"), doc_id(page, "fee_list")
        cell = page.get_by_test_id(f"field-{invoice}-total_amount")
        expect(cell).to_contain_text(site.wrong_total)
        expect(cell).to_have_class(re.compile(r"\bflagged\b"))  # the finding points at it
        box = page.get_by_test_id(f"box-{invoice}-total_amount")
        image = page.get_by_test_id(f"page-image-{invoice}-1")
        expect(box).not_to_have_class(re.compile(r"\bactive\b"))
        cell.click()
        expect(box).to_have_class(re.compile(r"\bactive\b"))
        expect(cell).to_have_class(re.compile(r"\bactive\b"))
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        b, img = settled_box(box), settled_box(image)
        assert b["width"] > 4 and b["height"] > 4, b
        assert img["x"] - 1 <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 1, (b, img)
        assert img["y"] - 1 <= b["y"] and b["y"] + b["height"] <= img["y"] + img["height"] + 1, (b, img)
        assert 0 <= b["y"] <= VIEWPORT["height"] - b["height"], "the box is out of sight"
        screenshot(page, "case", top=page.get_by_test_id(f"doc-{invoice}"),
                   pane=page.get_by_test_id(f"pages-{invoice}"))

        # 5. the invoice total corrected to the fee list's: the total finding goes at once
        fee_total = page.get_by_test_id(f"edit-field-{fees}-total_amount").input_value()
        assert Decimal(site.wrong_total) - Decimal(fee_total) == PLANTED_EXTRA
        page.get_by_test_id(f"edit-field-{invoice}-total_amount").fill(fee_total)
        submit(page, page.get_by_test_id(f"save-field-{invoice}-total_amount"))
        expect(page.get_by_test_id("flash")).to_contain_text("The checks ran again")
        expect(page.get_by_test_id(f"field-{invoice}-total_amount")).to_contain_text(fee_total)
        assert open_findings(page) == {"missing_document": "error"}

        # 6. the discharge summary uploaded: read at once, the missing-document finding goes
        page.get_by_test_id("upload-file").set_input_files(site.discharge)
        submit(page, page.get_by_test_id("upload-submit"))
        expect(page.get_by_test_id("flash")).to_contain_text("The checks ran again")
        summary = page.locator('section[data-doc-type="discharge_summary"]')
        expect(summary).to_have_count(1)
        expect(summary).to_contain_text(DISCHARGE)
        assert open_findings(page) == {}
        expect(page.get_by_test_id("no-findings")).to_be_visible()
        assert (site.inbox / STORY / DISCHARGE).read_bytes() == site.discharge.read_bytes()
        fixed = doc_id(page, "medical_invoice")  # ids follow the files' order: it may have moved
        expect(page.get_by_test_id(f"field-{fixed}-total_amount")).to_contain_text(fee_total)

        # 7. approved with a reason
        page.get_by_test_id("decision-reason").fill("total corrected from the fee list; discharge "
                                                    "summary received from the hospital")
        submit(page, page.get_by_test_id("approve"))
        expect(page.get_by_test_id("case-status")).to_have_attribute("data-status", "approved")
        expect(page.get_by_test_id("decided")).to_contain_text("approved by alice")
        expect(page.get_by_test_id("approve")).to_have_count(0)
        expect(page.get_by_test_id("upload-file")).to_have_count(0)
        expect(page.get_by_test_id("holder")).to_have_attribute("data-holder", "")  # given back
        audit = page.get_by_test_id("audit-row").evaluate_all("""rows => rows.map(r => ['audit-who',
            'audit-what', 'audit-old', 'audit-new'].map(t => r.querySelector(`[data-testid="${t}"]`)
            .textContent.trim()))""")
        assert [tuple(a) for a in audit if a[1] != f"uploaded document {DISCHARGE}"] == [
            ("alice", "decision", "", "approved"),
            ("alice", f"field total_amount of {invoice}", site.wrong_total, fee_total)]
        assert [a[0] for a in audit if a[1] == f"uploaded document {DISCHARGE}"] == ["alice"]
        assert len(audit) == 3  # bob's refused save left no trace

        # 8. the queue no longer lists it
        page.get_by_test_id("nav-queue").click()
        expect(page.get_by_test_id("queue-row").first).to_be_visible()
        assert queue_ids(page) == list(OTHERS)
    finally:
        alice_ctx.close()
        bob_ctx.close()

    # the store says so
    with Store.open(site.url) as store:
        frames = store.export([STORY])
    stored = frames["cases"].iloc[0]
    assert (stored["status"], stored["reasons"]) == ("approved", "")
    docs = frames["documents"]
    assert docs.loc[docs["doc_type"] == "medical_invoice", "total_amount"].tolist() == [fee_total]
    assert DISCHARGE in set(docs.loc[docs["doc_type"] == "discharge_summary", "source_file"])

    # and so do the tables of the next run, written from the store
    site.claims("run", str(site.inbox), "--out", str(site.out), "--db", site.url)
    for table in (pd.read_csv(site.out / "cases.csv", dtype=str, keep_default_na=False),
                  pd.read_parquet(site.out / "cases.parquet")):
        assert table.loc[table["case_id"] == STORY, "status"].tolist() == ["approved"]
    docs = pd.read_csv(site.out / "documents.csv", dtype=str, keep_default_na=False)
    mine = docs[docs["case_id"] == STORY]
    assert mine.loc[mine["doc_type"] == "medical_invoice", "total_amount"].tolist() == [fee_total]
    assert "discharge_summary" in set(mine["doc_type"])
    assert "Traceback" not in site.log.read_text()


SECURITY_HEADERS = ("content-security-policy", "x-frame-options")


def injected_script_runs(page: Page) -> bool:
    """Whether a script put into the page (as an injection would put it) runs."""
    return bool(page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.injectedRan = true';
        document.head.appendChild(s);
        return window.injectedRan === true;
    }"""))


def framed_by_another_page(page: Page, site: Site) -> bool:
    """Whether another page can show the app in a frame (clickjacking)."""
    page.goto("about:blank")
    page.set_content(f'<iframe src="{site.base}/login" width="800" height="600"></iframe>')
    return page.frame_locator("iframe").get_by_test_id("login-form").count() > 0


def test_the_browser_enforces_the_pages_script_policy_no_framing_and_an_http_only_cookie(
        chromium: Browser, site: Site) -> None:
    """What the headers and cookie flags are for, as Chromium applies them; the same probes on the
    same pages with the two headers stripped (a control) show they would catch their loss."""
    ctx = new_context(chromium)
    control = new_context(chromium)
    try:
        page = ctx.new_page()
        log_in(page, site, "bob", "/cases/S3-0006")
        assert not injected_script_runs(page)
        # the page's own script (from /static) does run: a value still shows its box
        cell = page.locator("td.value.located").first
        cell.click()
        box_id = cell.get_attribute("data-box")
        assert box_id and "active" in (page.locator(f"#{box_id}").get_attribute("class") or "")
        cookie = next(c for c in ctx.cookies() if c["name"] == "claims_review")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
        assert 8 * 3600 - 120 < cookie["expires"] - time.time() <= 8 * 3600 + 5  # a working day
        assert "claims_review" not in page.evaluate("document.cookie")  # scripts cannot read it
        assert not framed_by_another_page(page, site)

        def stripped(route: Route) -> None:
            response = route.fetch()
            headers = {k: v for k, v in response.headers.items() if k.lower() not in SECURITY_HEADERS}
            route.fulfill(response=response, headers=headers)

        other = control.new_page()
        log_in(other, site, "bob", "/cases/S3-0006")
        control.route(f"{site.base}/**", stripped)
        other.goto(f"{site.base}/cases/S3-0006")
        assert injected_script_runs(other)
        assert framed_by_another_page(other, site)
    finally:
        ctx.close()
        control.close()
