// The selected region of a page (or the whole body): its visible text, its HTML without
// the excluded elements, its large images, and the whole DOM, each cut at `maxChars` so a
// page that builds 120 MB of text never crosses into the archiver. Lengths say what was cut.
([selector, excludes, minPixels, maxChars]) => {
  const root = selector ? document.querySelector(selector) : document.body;
  if (!root) return null;
  const marked = [];
  for (const sel of excludes) {
    let found = [];
    try { found = document.querySelectorAll(sel); } catch (e) { continue; }
    for (const el of found) {
      if (el.hasAttribute('data-archiver-x')) continue;
      el.setAttribute('data-archiver-x', '');
      marked.push(el);
    }
  }
  const style = document.createElement('style');
  style.textContent = '[data-archiver-x]{display:none !important}';
  (document.head || document.documentElement).appendChild(style);
  const text = root.innerText || '';
  const clone = root.cloneNode(true);
  for (const el of clone.querySelectorAll('[data-archiver-x]')) el.remove();
  style.remove();
  for (const el of marked) el.removeAttribute('data-archiver-x');
  const images = Array.from(root.querySelectorAll('img'))
    .filter(img => !img.closest('[data-archiver-x]'))
    .filter(img => img.naturalWidth * img.naturalHeight >= minPixels)
    .map(img => String(img.src || img.currentSrc).slice(0, 4096))
    .slice(0, 50);
  const region = clone.outerHTML;
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  const dom = doctype + (document.documentElement ? document.documentElement.outerHTML : '');
  return {
    text: text.slice(0, maxChars), textLength: text.length,
    html: region.length > maxChars ? '' : region, htmlLength: region.length,
    dom: dom.length > maxChars ? '' : dom, domLength: dom.length,
    title: String(document.title || '').slice(0, 2000), images: images,
    charset: document.characterSet || '',
  };
}
