"""Render a run report (runs/<run_id>/report.html) in headless Chromium to a PNG, and
fail if the page asked the network for anything.

    python bench/report_screenshot.py LAKE/runs/<run_id>/report.html [-o report.png]

The report promises to be self-contained (it is read offline, archived, mailed): this
is the check that holds it to that. Chrome's DevTools performance log lists every
request the page made; anything other than the file itself is a failure. Uses the
system chromium and chromedriver (Debian: `apt-get install chromium chromium-driver`)
through Selenium, so no browser is downloaded.

Exit status: 0 rendered with no request, 1 the page made requests, 2 no browser.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
WIDTH = 1200


def find_browser() -> tuple[str, str] | None:
    driver = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")
    browser = next((b for b in CHROMIUM if Path(b).exists()), None)
    return (browser, driver) if browser and driver else None


def render(page: Path, png: Path, width: int = WIDTH) -> list[str]:
    """Screenshot the whole page to `png`; returns the URLs of the requests it made
    besides loading itself."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = find_browser()
    if found is None:
        raise FileNotFoundError("chromium and chromedriver are needed: apt-get install chromium chromium-driver")
    browser, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900",
                "--hide-scrollbars", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-sync", "--disable-extensions"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        url = page.resolve().as_uri()
        driver.get(url)
        height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
        driver.set_window_size(width, min(max(int(height) + 40, 600), 16000))
        driver.save_screenshot(str(png))
        requests = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                requested = message["params"]["request"]["url"]
                if requested != url and not requested.startswith("data:"):
                    requests.append(requested)
        return requests
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="the report.html to render")
    parser.add_argument("-o", "--output", type=Path, help="PNG to write (default: next to the page)")
    parser.add_argument("--width", type=int, default=WIDTH)
    args = parser.parse_args(argv)
    if not args.page.is_file():
        print(f"no such file: {args.page}", file=sys.stderr)
        return 2
    png = args.output or args.page.with_suffix(".png")
    try:
        requests = render(args.page, png, args.width)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {png}")
    if requests:
        print(f"FAIL: the page made {len(requests)} network requests:", file=sys.stderr)
        for url in requests:
            print(f"  {url}", file=sys.stderr)
        return 1
    print("network requests: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
