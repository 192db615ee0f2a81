"""What a capture reads besides the page: linked documents and the list's own images.

A list may be published as a PDF or spreadsheet linked from the page, or as pictures in the
disclosure region; both are evidence, fetched by bytes through the session's downloader.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from archiver import doctypes, region
from archiver.adapters.scripts import clean, script
from archiver.models import HttpResponse, RenderedPage
from archiver.urlpolicy import Purpose

LIST_IMAGE_PIXELS = 40_000  # smaller images (200x200) are logos, icons and bullets
MAX_LIST_IMAGES = 12

Download = Callable[[str, Purpose], Awaitable[HttpResponse | None]]
_LITERAL = re.compile(r"""(['"])([^'"\n]{1,2048})\1""")  # a JS string literal, unescaped


def viewed_document(url: str) -> str:
    """The document a PDF.js-style viewer shows (`viewer.html?file=/a/list.pdf`, or after
    ``#``: `viewer.html#file=…`), else the URL.

    >>> viewed_document("https://b.cn/pdfjs/web/viewer.html?file=%2Fupload%2Flist.pdf")
    'https://b.cn/upload/list.pdf'
    >>> viewed_document("https://b.cn/pdfjs/web/viewer.html#file=https://b.cn/a/list.pdf")
    'https://b.cn/a/list.pdf'
    >>> viewed_document("https://b.cn/notice/1.html?id=3")
    'https://b.cn/notice/1.html?id=3'
    """
    parts = urlsplit(url)
    shown = parse_qs(parts.query).get("file") or parse_qs(parts.fragment).get("file")
    if shown and doctypes.is_attachment(shown[0]):
        return urljoin(url, shown[0])
    return url


def scripted_documents(handler: str, base: str) -> list[str]:
    """The documents a script link opens, from the string literals of its onclick handler
    or data attributes (``downLoadFile('uploadfiles/名单.xlsx')``, ``window.open("…pdf")``,
    ``data-url="…"``): each literal naming a document, resolved against `base`; a literal
    with a path is the document, a bare file name beside it the name to save it as. Only
    http(s) URLs; nothing is run.

    >>> scripted_documents("downFile('files/a.xlsx','名单.xlsx')", "https://b.cn/gg/1.html")
    ['https://b.cn/gg/files/a.xlsx']
    >>> scripted_documents("window.open('javascript:alert(1).pdf')", "https://b.cn/")
    []
    """
    named = [m.group(2).strip() for m in _LITERAL.finditer(handler)]
    named = [literal for literal in named if doctypes.is_attachment(literal)]
    paths = [literal for literal in named if "/" in literal]  # not the name to save it as
    found: list[str] = []
    for literal in paths or named:
        url = viewed_document(urljoin(base, literal))
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


async def attachment_links(page: Page, selector: str | None) -> list[tuple[str, str]]:
    """(URL, link text) of every document the page links to, within `selector` if given:
    a link whose URL names a document, one served by a download handler
    (``download.jsp?id=…``) whose text or title names the file ("名单.pdf（98KB）") or
    that follows an attachment label ("附件：<a>名单</a>"), a
    script link whose handler names the document (`scripted_documents`), or one that builds
    the URL in code (`opened_documents`)."""
    try:
        anchors = await page.evaluate(script("links"), selector)
    except PlaywrightError:
        return []
    found: list[tuple[str, str]] = []
    built = False  # a script link names a document but builds its URL in code
    for link, text, named, handler, base, labelled in anchors:
        href = viewed_document(clean(link))
        shown = clean(text)
        if handler and not doctypes.is_attachment(href):
            scripted = scripted_documents(clean(handler), clean(base))
            found.extend((url, shown) for url in scripted)
            # a path in the handler may be half the URL ("downloadAttach('2025/1d9f.pdf')"
            # under a base the code adds): the click says where it really goes
            built = built or doctypes.names_document(f"{shown} {named}")
        if doctypes.is_attachment(href):
            found.append((href, shown))
        elif href.startswith(("http:", "https:")) and (
            labelled or doctypes.names_document(shown) or doctypes.names_document(clean(named))
        ):
            found.append((href, shown or clean(named)))
    if built:
        found.extend(await opened_documents(page, selector))
    return found


async def opened_documents(page: Page, selector: str | None) -> list[tuple[str, str]]:
    """(URL, link text) of the documents script links open when clicked
    (``onclick="downloadFile('7f3c9e21','2025/11')"``, the URL built in code): each link
    whose text names a document is clicked with ``window.open`` caught (js/opened.js), so
    nothing opens; the URLs go through the URL policy when fetched, as every link's do."""
    before = page.url
    try:
        opened = await page.evaluate(script("opened"), [selector, doctypes.NAMED_DOCUMENT.pattern])
    except PlaywrightError:
        opened = []
    if page.url != before:  # a handler that set location.href: back to the list
        try:
            await page.goto(before, wait_until="load")
        except PlaywrightError:
            return []
    found = [(viewed_document(clean(url)), clean(text)) for url, text in opened]
    return [(url, text) for url, text in found if urlsplit(url).scheme in ("http", "https")]


async def fetch_attachments(
    links: Sequence[tuple[str, str]], *, limit: int, download: Download
) -> list[HttpResponse]:
    """The linked documents that could be fetched, each once, at most `limit` of them.

    A link known only by its text (no document suffix in its URL) is kept when what it
    serves is a document by its bytes, media type or Content-Disposition file name: a link
    titled "名单.pdf" that opens a viewer page is the page's business, not an attachment."""
    kept: list[HttpResponse] = []
    seen: set[str] = set()
    guesses = 0  # links known only by their text: at most `limit` fetched, documents or not
    for href, _text in links:
        if href in seen or len(kept) >= limit:
            continue
        seen.add(href)
        if not doctypes.is_attachment(href):
            if guesses >= limit:
                continue
            guesses += 1
        fetched = await download(href, Purpose.ATTACHMENT)
        if fetched is None or fetched.status >= 400:
            continue
        if doctypes.is_attachment(href) or is_document(fetched):
            kept.append(fetched)
    return kept


def is_document(response: HttpResponse) -> bool:
    """Whether a response is a document of one of doctypes.TYPES, whatever its URL says."""
    disposition = next(
        (value for key, value in response.headers if key.lower() == "content-disposition"), ""
    )
    return (
        doctypes.sniff(response.body) is not None
        or doctypes.is_zip(response.body)
        or doctypes.by_media_type(response.media_type) is not None
        or doctypes.by_name(doctypes.disposition_name(disposition)) is not None
    )


async def list_images(
    pages: Sequence[RenderedPage],
    image_urls: Sequence[str],
    *,
    selector: str | None,
    excludes: tuple[str, ...],
    download: Download,
) -> list[HttpResponse]:
    """Every image of the disclosure region (`archiver.region`) big enough not to be an
    icon: a list may be published as pictures, and a picture replaced under the same
    name or a new one is a new version, so they are fetched by bytes on every check.

    `image_urls` are the large images the browser loaded, in page order."""
    loaded = {unquote(url): url for url in image_urls}  # the DOM's src may be raw
    if not loaded:
        return []
    wanted: list[str] = []
    for page in pages:
        found = await asyncio.to_thread(
            region.find, page.html, url=page.url, selector=selector, excludes=excludes
        )
        if not found.selector_matched:  # a frame: read whole, as extraction does
            found = await asyncio.to_thread(
                region.find, page.html, url=page.url, excludes=excludes
            )
        wanted.extend(
            loaded[unquote(image.url)] for image in found.images if unquote(image.url) in loaded
        )
    fetched: list[HttpResponse] = []
    for url in dict.fromkeys(wanted):
        if len(fetched) >= MAX_LIST_IMAGES:
            break
        image = await download(url, Purpose.IMAGE)
        if image is not None and image.status < 400 and image.body:
            fetched.append(image)
    return fetched
