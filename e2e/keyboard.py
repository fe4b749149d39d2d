"""Keyboard-only helpers for browser tests: reach a control with Tab (as a person would, failing if it is
unreachable), press it, and type into date and time inputs. Focus is read back from the page the way a
screen reader announces it."""

from __future__ import annotations

import datetime as dt
from typing import Any

FOCUSED_MATCHES = """([css, text, exact]) => {
  const el = document.activeElement;
  if (!el) return false;
  if (css && !el.matches(css)) return false;
  if (text) {
    const own = (el.textContent || el.value || "").replace(/\\s+/g, " ").trim();
    return exact ? own === text : own.includes(text);
  }
  return true;
}"""


def tab_to(
    page: Any, *, css: str | None = None, text: str | None = None, exact: bool = True, limit: int = 80
) -> None:
    """Press Tab until the focused element matches; fail if it never does (an unreachable control)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, [css, text, exact]):
            return
    raise AssertionError(f"could not reach {css or ''} {text or ''} with Tab on {page.url}")


def press_to_navigate(page: Any, key: str = "Enter") -> None:
    """Press a key on the focused link or button and wait for the next page to finish loading."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def tab_and_follow(page: Any, *, css: str = "a, button", text: str, exact: bool = False) -> None:
    """Tab to a link or button by its text and press Enter on it."""
    tab_to(page, css=css, text=text, exact=exact)
    press_to_navigate(page)


def type_time(page: Any, value: str) -> None:
    """Type a time into the focused <input type="time"> as a person would. Chromium lays the control out
    by the machine's locale: 24-hour (hour, minute) in Japanese, 12-hour (hour, minute, AM/PM) in the
    headless default. Type the 12-hour way first; in a 24-hour layout the AM/PM key does nothing, so go
    back to the hour segment (Shift+Tab moves between segments) and type the 24-hour hour."""
    hour, minute = (int(part) for part in value.split(":"))
    page.keyboard.type(f"{(hour % 12) or 12:02d}{minute:02d}")
    page.keyboard.press("P" if hour >= 12 else "A")
    if page.evaluate("document.activeElement.value") != value:
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(f"{hour:02d}")
    assert page.evaluate("document.activeElement.value") == value


def type_date(page: Any, day: dt.date) -> None:
    """Type a date into the focused <input type="date">, digits per segment. Chromium orders the segments
    by the machine's locale: month/day/year in the headless default, year/month/day in Japanese. Type
    month-first; if the value is not the date, go back to the first segment and type year-first."""
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year:04d}")
    if page.evaluate("document.activeElement.value") != day.isoformat():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(f"{day.year:04d}{day.month:02d}{day.day:02d}")
    assert page.evaluate("document.activeElement.value") == day.isoformat()
