"""The review queue of the samples page (admin): flagged drawings accepted, rejected and
relabelled with the keyboard alone, then checked through the API; what a missing or
wrong token, a lost connection and a server with admin requests off look like; the
layout at desktop and phone sizes."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.browser.conftest import ADMIN_TOKEN
from tests.browser.drawing import DEVICES, Pages
from tests.shapes import ONE

pytestmark = pytest.mark.browser

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SIDE = 280  # the canvas the test drawings are on
IMAGES_RENDERED = """() => [...document.querySelectorAll('[data-testid="review-item"] img')]
    .every((img) => img.complete && img.naturalWidth === 28)"""


def store(api: httpx.Client, label: int, contributor: str) -> dict:
    """A plain vertical 1 saved as ``label`` by ``contributor``: the shipped model reads
    it as 1, so anything else is flagged."""
    body = {
        "strokes": [[[x * SIDE, y * SIDE] for x, y in stroke] for stroke in ONE],
        "canvas": {"width": SIDE, "height": SIDE},
        "label": label,
        "contributor": contributor,
        "source": "browser-test",
    }
    response = api.post("/api/samples", json=body)
    assert response.status_code == 201, response.text
    sample: dict = response.json()
    return sample


def flagged(api: httpx.Client) -> list[int]:
    response = api.get("/api/samples", params={"status": "flagged"}, headers=ADMIN)
    response.raise_for_status()
    return [s["id"] for s in response.json()["items"]]


def current(page: Page) -> Locator:
    return page.locator("[data-testid='review-item'].is-current")


def focused(page: Page) -> str | None:
    """The sample id of the element that has the focus, if it is a queue's drawing."""
    sample_id: str | None = page.evaluate("document.activeElement?.dataset.sampleId ?? null")
    return sample_id


def is_decision(response: Response) -> bool:
    return response.request.method == "PATCH" and "/api/samples/" in response.url


def open_queue(page: Page, token: str = ADMIN_TOKEN) -> None:
    """Type the token and press Enter, which opens the queue."""
    page.get_by_test_id("admin-token").fill(token)
    page.keyboard.press("Enter")


def decide(page: Page, key: str) -> dict:
    """Press ``key`` on the current drawing; the body of the decision it sent."""
    with page.expect_response(is_decision) as answered:
        page.keyboard.press(key)
    assert answered.value.status == 200, answered.value.text()
    body: dict = answered.value.request.post_data_json
    return body


def test_the_queue_is_worked_through_from_the_keyboard(
    admin_pages: Pages, admin_api: httpx.Client
) -> None:
    honest = [store(admin_api, 1, "honest-writer") for _ in range(2)]
    assert {s["status"] for s in honest} == {"accepted"}
    doubtful = [store(admin_api, 8, f"bot-{i}") for i in range(3)]  # 1s labelled 8
    assert {s["status"] for s in doubtful} == {"flagged"}
    newest, middle, oldest = (str(i) for i in flagged(admin_api))
    assert [newest, middle, oldest] == [str(s["id"]) for s in doubtful[::-1]]

    page = admin_pages.open("desktop", "/samples")
    expect(page.get_by_test_id("tile")).to_have_count(2)  # the public sees the accepted
    open_queue(page)
    queue = page.get_by_test_id("review")
    expect(queue).to_be_visible()
    expect(page.get_by_test_id("gallery")).to_be_hidden()
    expect(page.get_by_test_id("review-count")).to_have_text("3 flagged drawings.")
    items = page.get_by_test_id("review-item")
    expect(items).to_have_count(3)
    ids = items.evaluate_all("items => items.map((i) => i.dataset.sampleId)")
    assert ids == [newest, middle, oldest]
    expect(queue.locator(".keys")).to_contain_text("accept")  # the legend
    # The first is current: highlighted, focused, named for screen readers.
    expect(current(page)).to_have_attribute("data-sample-id", newest)
    expect(current(page)).to_have_attribute("aria-current", "true")
    summary = rf"^Drawing #{newest}, labelled 8, trust \d+%: the model reads 1\b.* 1 of 3\.$"
    expect(current(page)).to_have_attribute("aria-label", re.compile(summary))
    assert focused(page) == newest
    first = current(page)
    expect(first.get_by_test_id("label")).to_have_text("8")
    expect(first.get_by_test_id("trust")).to_have_text(re.compile(r"^trust \d+%$"))
    reasons = first.get_by_test_id("reasons").locator("li")
    expect(reasons.first).to_have_text(re.compile(r"^the model reads 1, giving 8 (only|under)"))

    # a accepts the current drawing; the next takes its place, with the focus.
    assert decide(page, "a") == {"status": "accepted"}
    expect(items).to_have_count(2)
    expect(page.get_by_test_id("review-said")).to_have_text(f"Drawing #{newest} accepted as 8.")
    expect(current(page)).to_have_attribute("data-sample-id", middle)
    assert focused(page) == middle

    # j and k, or the arrows, move; r rejects the last, and the one before is current.
    page.keyboard.press("j")
    expect(current(page)).to_have_attribute("data-sample-id", oldest)
    assert focused(page) == oldest
    page.keyboard.press("k")
    expect(current(page)).to_have_attribute("data-sample-id", middle)
    page.keyboard.press("ArrowDown")
    expect(current(page)).to_have_attribute("data-sample-id", oldest)
    expect(page.locator("[data-testid='review-item'].is-current")).to_have_count(1)
    assert decide(page, "r") == {"status": "rejected"}
    expect(items).to_have_count(1)
    expect(page.get_by_test_id("review-said")).to_have_text(f"Drawing #{oldest} rejected.")
    expect(current(page)).to_have_attribute("data-sample-id", middle)
    assert focused(page) == middle

    # A digit relabels (and accepts); the queue is then empty, and says so.
    assert decide(page, "1") == {"label": 1}
    expect(items).to_have_count(0)
    expect(page.get_by_test_id("review-empty")).to_be_visible()
    expect(page.get_by_test_id("review-count")).to_have_text("No flagged drawings.")
    said = f"Drawing #{middle} relabelled 1 and accepted. The queue is empty."
    expect(page.get_by_test_id("review-said")).to_have_text(said)

    decided = {i: admin_api.get(f"/api/samples/{i}").json() for i in (newest, middle, oldest)}
    assert (decided[newest]["status"], decided[newest]["label"]) == ("accepted", 8)
    assert (decided[oldest]["status"], decided[oldest]["label"]) == ("rejected", 8)
    assert (decided[middle]["status"], decided[middle]["label"]) == ("accepted", 1)
    assert flagged(admin_api) == []

    # Escape: back to the gallery, which now shows the two accepted by the admin too.
    page.keyboard.press("Escape")
    expect(queue).to_be_hidden()
    expect(page.get_by_test_id("tile")).to_have_count(4)
    expect(page.get_by_test_id("review-open")).to_be_focused()


def test_the_queue_says_what_went_wrong(
    admin_pages: Pages, admin_api: httpx.Client, pages: Pages
) -> None:
    admin_pages.allow_errors("status of 401")  # the browser logs the refused request
    admin_pages.allow_errors("net::ERR_FAILED")  # and the request cut off below
    sample_id = str(store(admin_api, 8, "bot")["id"])
    page = admin_pages.open("desktop", "/samples")
    error = page.get_by_test_id("review-error")
    token = page.get_by_test_id("admin-token")

    page.get_by_test_id("review-open").click()
    expect(error).to_have_text("Enter the admin token first.")
    expect(token).to_be_focused()

    open_queue(page, "not-the-token")
    expect(error).to_have_text(
        "Can't load the review queue: the admin token is wrong. Check it and try again."
    )
    expect(token).to_be_focused()
    expect(page.get_by_test_id("review-item")).to_have_count(0)
    expect(page.get_by_test_id("review-empty")).to_be_hidden()  # not known to be empty

    open_queue(page)
    expect(current(page)).to_have_attribute("data-sample-id", sample_id)
    expect(error).to_be_hidden()

    # The connection drops: the drawing stays, with the error; once back, a works.
    page.route(re.compile(r"/api/samples/\d+$"), lambda route: route.abort())
    page.keyboard.press("a")
    expect(error).to_have_text(re.compile(rf"^Can't accept drawing #{sample_id}: Can't reach"))
    expect(current(page)).to_have_attribute("data-sample-id", sample_id)
    expect(current(page).get_by_test_id("review-accept")).to_be_enabled()
    page.unroute(re.compile(r"/api/samples/\d+$"))
    assert decide(page, "a") == {"status": "accepted"}
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("review-empty")).to_be_visible()

    # A server with admin requests off says so.
    pages.allow_errors("status of 403")
    other = pages.open("desktop", "/samples")
    open_queue(other, "any-token")
    expect(other.get_by_test_id("review-error")).to_have_text(
        re.compile(r"^Can't load the review queue: admin requests are disabled")
    )


def test_the_buttons_decide_too_and_the_layout_fits(
    admin_pages: Pages, admin_api: httpx.Client, screenshot_dir: Path
) -> None:
    for label in (1, 1, 1):
        store(admin_api, label, "honest-writer")
    for i, label in enumerate((8, 7, 4, 8, 0)):
        store(admin_api, label, f"bot-{i % 2}")
    count = len(flagged(admin_api))
    assert count >= 4

    page = admin_pages.open("desktop", "/samples", device_scale_factor=1)
    open_queue(page)
    items = page.get_by_test_id("review-item")
    expect(items).to_have_count(count)
    page.wait_for_function(IMAGES_RENDERED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "sideways overflow"
    page.keyboard.press("j")
    expect(items.nth(1)).to_have_class(re.compile(r"\bis-current\b"))
    page.get_by_test_id("review").evaluate("(queue) => queue.scrollIntoView()")
    page.wait_for_timeout(300)  # the highlight finishes its transition
    page.screenshot(path=screenshot_dir / "review-desktop.png")

    phone = admin_pages.open("phone", "/samples")
    open_queue(phone)
    items = phone.get_by_test_id("review-item")
    expect(items).to_have_count(count)
    phone.wait_for_function(IMAGES_RENDERED)
    width = DEVICES["phone"]["viewport"]["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    # A tap on another drawing's Relabel makes it current; a digit relabels it.
    second = items.nth(1)
    second_id = second.get_attribute("data-sample-id")
    second.get_by_test_id("review-relabel").tap()
    expect(current(phone)).to_have_attribute("data-sample-id", str(second_id))
    expect(second.get_by_test_id("relabel-1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    for testid in ("review-accept", "review-reject", "relabel-9"):
        box = second.get_by_test_id(testid).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, f"{testid} overflows"
        assert box["height"] >= 40, f"{testid} is too small to tap"
    phone.wait_for_timeout(300)
    phone.screenshot(path=screenshot_dir / "review-phone.png", full_page=True)
    with phone.expect_response(is_decision) as answered:
        second.get_by_test_id("relabel-1").tap()
    assert answered.value.request.post_data_json == {"label": 1}
    expect(items).to_have_count(count - 1)
    assert admin_api.get(f"/api/samples/{second_id}").json()["label"] == 1
    # The reject button, on the drawing that is now current.
    rejected = current(phone).get_attribute("data-sample-id")
    with phone.expect_response(is_decision):
        current(phone).get_by_test_id("review-reject").tap()
    expect(items).to_have_count(count - 2)
    assert admin_api.get(f"/api/samples/{rejected}").json()["status"] == "rejected"
