// The selected region of a page (or the whole body): its visible text, its HTML without
// the excluded elements, its large images, and the whole DOM, each cut at `maxChars` so a
// page that builds 120 MB of text never crosses into the archiver. Lengths say what was cut.
// What a web component draws in an open shadow root (<partner-list> fetching its rows) is
// not in a clone's outerHTML: each host's shadow content goes into its copy as a declarative
// shadow root (<template shadowrootmode="open">), which is how HTML writes it and how the
// archived page shows it again. Closed shadow roots stay closed; at most 500 hosts.
([selector, excludes, minPixels, maxChars]) => {
  let hosts = 0;
  const inlineShadows = (original, copy, depth) => {
    const from = [original, ...original.querySelectorAll('*')];
    const to = [copy, ...copy.querySelectorAll('*')];
    if (from.length !== to.length || depth > 8) return;
    from.forEach((element, index) => {
      const shadow = element.shadowRoot;
      if (!shadow || hosts >= 500 || to[index].tagName !== element.tagName) return;
      hosts += 1;
      const holder = document.createElement('div');
      for (const child of shadow.childNodes) {
        const copied = child.cloneNode(true);
        if (child.nodeType === Node.ELEMENT_NODE) inlineShadows(child, copied, depth + 1);
        holder.appendChild(copied);
      }
      const template = document.createElement('template');
      template.setAttribute('shadowrootmode', 'open');
      template.innerHTML = holder.innerHTML;
      to[index].prepend(template);
    });
  };
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
  const shadowed = Array.from(document.querySelectorAll('*')).some((e) => e.shadowRoot);
  if (shadowed) inlineShadows(root, clone, 0);
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
  let dom = doctype;
  if (document.documentElement) {
    const whole = shadowed ? document.documentElement.cloneNode(true) : document.documentElement;
    if (shadowed) inlineShadows(document.documentElement, whole, 0);
    dom += whole.outerHTML;
  }
  return {
    text: text.slice(0, maxChars), textLength: text.length,
    html: region.length > maxChars ? '' : region, htmlLength: region.length,
    dom: dom.length > maxChars ? '' : dom, domLength: dom.length,
    title: String(document.title || '').slice(0, 2000), images: images,
    charset: document.characterSet || '',
  };
}
