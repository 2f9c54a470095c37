"""WebKit, the iPhone's engine, in the test suite: Debian's WebKitGTK MiniBrowser driven through its WebDriver by
Selenium (Playwright drives only its own WebKit build, which cannot be downloaded here), on an Xvfb display of the
run's own. A missing driver, browser or Xvfb fails the tests that need them, naming the packages; nothing is skipped.

WebDriver has no console or page-error API for this browser, and Kin's CSP allows no inline script, so the live
server prepends page-errors.js to /app.js for a browser that carries the PAGE_ERRORS cookie (as the WebKit session
does from its first request on): its listeners run before the app does, on every load, offline too, since the
service worker precaches that same app.js. They keep what they catch in sessionStorage, across reloads, and
``WebKit.page_errors`` reads it.
"""

import contextlib
import json
import os
import subprocess
import time
import warnings
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

DRIVER = "/usr/bin/WebKitWebDriver"  # Debian's webkit2gtk-driver
BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"  # Debian's libwebkit2gtk-4.1-0
XVFB = "/usr/bin/Xvfb"  # Debian's xvfb
PHONE_SIZE = (360, 740)  # the Chromium tests' phone (conftest.PHONE), as the page's inner size

PAGE_ERRORS = "kin-test-page-errors"  # the cookie that asks for the catcher, and its sessionStorage key
CATCHER = (Path(__file__).with_name("page-errors.js")).read_bytes()


def catching_page_errors(wsgi):
    """The app, but /app.js begins with page-errors.js for a browser carrying the PAGE_ERRORS cookie. Its request
    is made uncompressed and unconditional, so the answer is the whole file, to which the catcher can be added."""
    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/app.js" or f"{PAGE_ERRORS}=catch" not in environ.get("HTTP_COOKIE", ""):
            return wsgi(environ, start_response)
        environ = {key: value for key, value in environ.items()
                   if key not in ("HTTP_ACCEPT_ENCODING", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")}
        answer = {}
        body = b"".join(wsgi(environ, lambda status, headers, exc_info=None: answer.update(status=status,
                                                                                          headers=headers)))
        assert answer["status"].startswith("200"), answer["status"]
        body = CATCHER + body
        headers = [(name, value) for name, value in answer["headers"] if name.lower() not in ("content-length", "etag")]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]
    return app


def require_webkit() -> None:
    """Fail, naming the packages, where the driver, the browser or Xvfb is missing."""
    absent = [path for path in (DRIVER, BROWSER, XVFB) if not os.access(path, os.X_OK)]
    if absent:
        pytest.fail(f"WebKit is missing: {', '.join(absent)} not found. Install Debian's webkit2gtk-driver and xvfb "
                    "(`make system-deps` does, or `apt-get install -y webkit2gtk-driver xvfb`).")


class Display:
    """An Xvfb display of this run's own: WebKitGTK needs one, and a developer's desktop is never used."""

    def __init__(self):
        read, write = os.pipe()
        self.process = subprocess.Popen([XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24",
                                         "-nolisten", "tcp"], pass_fds=[write], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as numbers:
            number = numbers.readline().strip()  # written once the display accepts clients
        if not number:
            self.close()
            pytest.fail("Xvfb did not start (it wrote no display number)")
        self.name = f":{number}"

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class WebKit:
    """One MiniBrowser window, the size of a phone, on the live server; the helpers wait for what a person would
    see (polling, never sleeping a fixed time) and fail with what was there instead."""

    def __init__(self, display: Display, base_url: str, folder: Path):
        options = Options()
        options.binary_location = BROWSER
        options.add_argument("--automation")
        options.add_argument("--full-screen")  # no toolbar: the window is the page, whose size it can then be
        # No back/forward cache. The tests open pages by address where a volunteer taps within the app, and WebKit
        # keeps a page it leaves suspended with any IndexedDB transaction it had under way (a sync pull): the next
        # page's writes to those stores then wait until that page is thrown away. Matching hung so in 3 of the first
        # 6 runs, and deleting the database between tests with it (docs/development.md).
        options.add_argument("--enable-page-cache=false")
        service = Service(executable_path=DRIVER, log_output=str(folder / "driver.log"),
                          env={**os.environ, "DISPLAY": display.name})
        with warnings.catch_warnings():
            # Selenium 4.51's own WebKitGTK class hands the driver's address over in the way it deprecates
            warnings.filterwarnings("ignore", "setting remote_server_addr in RemoteConnection", DeprecationWarning)
            self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.base_url, self.folder = base_url, folder
        self.driver.set_window_rect(width=PHONE_SIZE[0], height=PHONE_SIZE[1])
        self.driver.set_page_load_timeout(30)  # not WebDriver's 300 s: a stuck load fails the test that made it
        # a page of the origin that is not the app, to set the cookie before the app (and its service worker) loads
        self.driver.get(f"{base_url}/api/health")
        self.fresh()
        # Kin installed, as on a phone that has opened it before: the service worker controls every test's pages.
        # (A reload while this first registration is under way made WebKitGTK's next load hang, 1 run in 10.)
        self.goto("/signin")
        self.wait(lambda: self.js("return navigator.serviceWorker.controller !== null"),
                  "the service worker to take control", timeout=30)
        assert self.js("return [innerWidth, innerHeight]") == list(PHONE_SIZE)

    def quit(self):
        self.driver.quit()

    def fresh(self) -> None:
        """A phone that has Kin installed (the service worker stays) but no one signed in and nothing on it."""
        self.driver.get(f"{self.base_url}/api/health")  # leave the app (unloaded: there is no back/forward cache)
        deleted = self.driver.execute_async_script("""const done = arguments[arguments.length - 1];
            localStorage.clear();
            sessionStorage.clear();
            const request = indexedDB.deleteDatabase('kin');
            request.onsuccess = () => done('deleted');
            request.onerror = () => done(String(request.error));
            request.onblocked = () => done('blocked');""")
        assert deleted == "deleted", f"the app's IndexedDB was not deleted: {deleted}"
        self.driver.delete_all_cookies()
        self.driver.add_cookie({"name": PAGE_ERRORS, "value": "catch", "path": "/"})

    def leave(self) -> None:
        """No app page open: nothing of it runs (syncs) until the next test."""
        self.driver.get("about:blank")

    # pages

    def goto(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self._catching()

    def reload(self) -> None:
        self.driver.refresh()
        self._catching()

    def _catching(self) -> None:
        """Wait for the load to end (WebKit's driver hands back before module scripts have run) and check that the
        catcher came with it."""
        [catching] = self.wait(lambda: self.js(
            "return document.readyState === 'complete' && [window.kinTestCatchesErrors === true]"), "the page to load")
        assert catching, "page-errors.js is not in this page's app.js: was the cookie set before the app first loaded?"

    def page_errors(self) -> list[str]:
        """What the catcher caught since fresh(): uncaught errors and unhandled rejections, on every page loaded."""
        return json.loads(self.js(f"return sessionStorage.getItem('{PAGE_ERRORS}') || '[]'"))

    # reading and waiting

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def having(self, css: str, text: str) -> WebElement:
        """The one element of css whose text contains text, once there is exactly one."""
        def one():
            found = [element for element in self.all(css) if text in element.text]
            return found[0] if len(found) == 1 else None
        return self.wait(one, f"one {css} with {text!r}")

    def link(self, name: str, within: str = "main") -> WebElement:
        """The one link whose words include name, once there is exactly one."""
        def one():
            found = self.find(within).find_elements(By.XPATH, f".//a[contains(normalize-space(.), {json.dumps(name)})]")
            return found[0] if len(found) == 1 and found[0].is_displayed() else None
        return self.wait(one, f"one link {name!r} in {within}")

    def wait(self, condition, what: str, timeout: float = 15.0):
        """Poll condition() until it returns something true, and return that; a WebDriver error (no such element
        yet, or one redrawn meanwhile) counts as not yet. A timeout fails with a screenshot and the page errors."""
        deadline = time.monotonic() + timeout
        seen = None
        while True:
            try:
                seen = condition()
                if seen:
                    return seen
            except WebDriverException as error:
                seen = f"{type(error).__name__}: {error.msg}"
            if time.monotonic() > deadline:
                shot, errors = self.folder / f"waited-{time.monotonic_ns()}.png", "unreadable"
                with contextlib.suppress(WebDriverException):
                    self.driver.save_screenshot(str(shot))
                    errors = self.page_errors()
                pytest.fail(f"after {timeout} s, still waiting for {what}; last seen: {seen!r} (on screen: {shot}; "
                            f"page errors so far: {errors})")
            time.sleep(0.05)

    def element(self, css: str, timeout: float = 15.0) -> WebElement:
        """The element once it is displayed."""
        return self.wait(lambda: (element := self.find(css)).is_displayed() and element, f"{css} to show", timeout)

    def text_of(self, css: str) -> str:
        return self.find(css).text

    def expect_text(self, css: str, text: str, timeout: float = 15.0) -> None:
        """The element's visible text becomes exactly text."""
        self.wait(lambda: self.text_of(css) == text, f"{css} to read {text!r} (it read "
                  f"{self._quiet_text(css)!r} when the wait began)", timeout)

    def expect_contains(self, css: str, text: str, timeout: float = 15.0) -> None:
        self.wait(lambda: text in self.text_of(css), f"{css} to contain {text!r}", timeout)

    def expect_count(self, css: str, count: int, timeout: float = 15.0) -> None:
        self.wait(lambda: len(self.all(css)) == count, f"{count} of {css}", timeout)

    def _quiet_text(self, css: str) -> str | None:
        try:
            return self.text_of(css)
        except WebDriverException:
            return None

    # acting

    def click(self, css: str) -> None:
        """A real click (WebDriver's: it fails if something else would get it), once the element shows."""
        self.tap(self.element(css))

    def tap(self, element: WebElement) -> None:
        """Scroll the element to the middle of the screen, as a person would before tapping it (WebDriver scrolls
        it only to the bottom edge, under the tab bar), and click it there."""
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def click_label(self, text: str, within: str = "main") -> None:
        """Click the label (of a radio button or chip) whose words are exactly text."""
        xpath = f".//label[normalize-space(.)={json.dumps(text)}]"
        self.wait(lambda: self.find(within).find_element(By.XPATH, xpath).is_displayed(), f"the label {text!r}")
        self.tap(self.find(within).find_element(By.XPATH, xpath))

    def click_link(self, name: str, within: str = "main") -> None:
        self.tap(self.link(name, within))

    def fill(self, css: str, text: str) -> None:
        field = self.element(css)
        field.clear()
        field.send_keys(text)

    def choose_file(self, css: str, path: Path) -> None:
        """Pick a file in a file input, as the Files app would hand it over."""
        self.wait(lambda: self.find(css), f"{css} to exist").send_keys(str(path))

    def select(self, css: str, value: str) -> None:
        self.element(css).find_element(By.CSS_SELECTOR, f"option[value={json.dumps(value)}]").click()

