// Links of the region (or the page): anchors as [href, text, the file name its download or
// title attribute gives], and documents shown inside the page rather than linked (<iframe>,
// <embed>, <object>). At most 5,000, so a page cannot flood us.
// Links in the site's footer or navigation (a privacy policy's third-party SDK list, the
// annual report) are the site's, never the disclosure's: they are left out.
(selector) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const chrome = 'footer, nav, [role="contentinfo"], [role="navigation"], ' +
    '[class*="footer" i], [id*="footer" i]';
  const links = [];
  for (const a of scope.querySelectorAll('a[href]')) {
    if (links.length >= 5000) break;
    if (!selector && a.closest(chrome)) continue;
    const named = a.getAttribute('download') || a.getAttribute('title') || '';
    links.push([String(a.href).slice(0, 4096), (a.innerText || '').trim().slice(0, 200),
      named.trim().slice(0, 200)]);
  }
  for (const e of scope.querySelectorAll('iframe[src], embed[src], object[data]')) {
    if (links.length >= 5100) break;
    const source = e.getAttribute('src') || e.getAttribute('data');
    try {
      if (source) {
        links.push([new URL(source, document.baseURI).href.slice(0, 4096), 'embedded', '']);
      }
    } catch (err) { /* not a URL */ }
  }
  return links;
}
