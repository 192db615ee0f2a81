"""Playwright's errors as the `CaptureError`s a check records."""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError

from archiver.errors import CaptureError, ConnectionFailed, RedirectLoop

CONNECTION_ERRORS = (
    "ERR_NAME_NOT_RESOLVED",
    "ERR_NAME_RESOLUTION_FAILED",
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_CONNECTION_FAILED",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_ADDRESS_INVALID",
    "ERR_EMPTY_RESPONSE",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_SSL",
    "ERR_CERT",
    "ERR_TUNNEL_CONNECTION_FAILED",
    "ERR_PROXY_CONNECTION_FAILED",
    "ERR_INVALID_RESPONSE",
    "ERR_HTTP2",
    "ERR_QUIC",
    "ERR_UNSAFE_PORT",
)


class WouldDownload(Exception):
    """Chromium turned the navigation into a download (PDF, DOCX, ...)."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (Playwright's run to pages).

    >>> first_line(ValueError("no page\\n  at line 3")), first_line(ValueError())
    ('no page', 'ValueError')
    """
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translate(exc: PlaywrightError, url: str) -> CaptureError:
    """A Playwright error as the CaptureError a check records."""
    message = str(exc)
    if "ERR_TOO_MANY_REDIRECTS" in message:
        return RedirectLoop(f"{url} redirects in a loop")
    for code in CONNECTION_ERRORS:
        if code in message:
            return ConnectionFailed(f"{url} could not be reached ({code.lower()})")
    if ("Target" in message and "closed" in message) or "Browser has been closed" in message:
        error = CaptureError(f"the browser closed during the capture of {url}")
        error.reason = "browser_error"
        return error
    return CaptureError(f"{url}: {first_line(exc)}")
