// Links of the region (or the page): anchors as [href, text, the file name its download or
// title attribute gives (or, for a short link text, its table row's or list item's text),
// handler, base, labelled], and documents shown inside the page rather than
// linked (<iframe>, <embed>, <object>). `handler` is what a script link carries instead of an
// href (its onclick source and its data-url / data-href / data-file values, quoted), `base`
// the URL a relative path in it resolves against; both "" for a plain link. Nothing is run:
// the Python side takes a document path out of the handler's string literals.
// `labelled` is true when the text right before the anchor is an attachment label ("附件：",
// "附件1："): the link is the announcement's attachment whatever its URL and text say.
// At most 5,000, so a page cannot flood us.
// Links in the site's footer or navigation (a privacy policy's third-party SDK list, the
// annual report) are the site's, never the disclosure's: they are left out.
(selector) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const chrome = 'footer, nav, [role="contentinfo"], [role="navigation"], ' +
    '[class*="footer" i], [id*="footer" i]';
  const data = ['data-url', 'data-href', 'data-file', 'data-path', 'data-src', 'data-link'];
  const handlerOf = (e) => {
    const parts = [e.getAttribute('onclick') || ''];
    for (const name of data) {
      const value = e.getAttribute(name);
      if (value) parts.push(JSON.stringify(value));
    }
    return parts.join(' ').trim().slice(0, 2000);
  };
  const label = /附件\s*[0-9一二三四五六七八九十]*\s*[:：]\s*$/;
  const labelled = (a) => {
    let before = '';
    for (let node = a.previousSibling; node && before.length < 40; node = node.previousSibling) {
      before = (node.textContent || '') + before;
    }
    return label.test(before.slice(-40));
  };
  const links = [];
  for (const a of scope.querySelectorAll('a[href]')) {
    if (links.length >= 5000) break;
    if (!selector && a.closest(chrome)) continue;
    // A "下载" link in a table of attachments: the file's name is its row's (名单.pdf | 86KB | 下载)
    const row = a.closest('tr, li');
    const named = a.getAttribute('download') || a.getAttribute('title') ||
      (row && (a.innerText || '').trim().length <= 6 ? row.innerText || '' : '');
    const handler = handlerOf(a);
    links.push([String(a.href).slice(0, 4096), (a.innerText || '').trim().slice(0, 200),
      named.trim().slice(0, 200), handler, handler ? document.baseURI : '', labelled(a)]);
  }
  const scripted = '[onclick], ' + data.map((name) => '[' + name + ']').join(', ');
  for (const e of scope.querySelectorAll(scripted)) {
    if (links.length >= 5000) break;
    if (e.matches('a[href], img, iframe, script') || (!selector && e.closest(chrome))) continue;
    const handler = handlerOf(e);
    if (handler) {
      links.push(['', (e.innerText || '').trim().slice(0, 200),
        (e.getAttribute('title') || '').trim().slice(0, 200), handler, document.baseURI,
        false]);
    }
  }
  for (const e of scope.querySelectorAll('iframe[src], embed[src], object[data]')) {
    if (links.length >= 5100) break;
    const source = e.getAttribute('src') || e.getAttribute('data');
    try {
      if (source) {
        links.push([new URL(source, document.baseURI).href.slice(0, 4096), 'embedded', '',
          '', '', false]);
      }
    } catch (err) { /* not a URL */ }
  }
  return links;
}
