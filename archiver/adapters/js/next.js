// The first enabled, visible "next page" control of the region; marked for a click.
([texts, selector]) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const wanted = new Set(texts.map(t => t.trim()));
  const candidates = scope.querySelectorAll('a, button, li, span[onclick], [role=button]');
  for (const el of candidates) {
    const label = (el.innerText || el.textContent || '').trim();
    const aria = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
    if (!wanted.has(label) && !wanted.has(aria)) continue;
    const cls = (el.className && el.className.toString()) || '';
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
    if (/disabled/i.test(cls)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const href = el.tagName === 'A' ? (el.getAttribute('href') || '') : '';
    el.setAttribute('data-archiver-next', '1');
    return {href: href};
  }
  return null;
}
