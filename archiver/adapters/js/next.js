// The first enabled, visible "next page" control of the region; marked for a click.
// Without one, a numbered pager (1 2 3, the current page marked) gives the number after the
// current page. A pager that marks no page as current (plain links "1 2 3 4" redrawn by a
// script) is followed in order from page 1: after `turned` pages turned, page turned + 2,
// when its numbers run 1, 2, 3 … in one holder.
([texts, selector, turned]) => {
  const scope = (selector && document.querySelector(selector)) || document;
  for (const old of document.querySelectorAll('[data-archiver-next]')) {
    old.removeAttribute('data-archiver-next');
  }
  const wanted = new Set(texts.map(t => t.trim()));
  const controls = 'a, button, li, span[onclick], [role=button]';
  const usable = el => {
    const cls = (el.className && el.className.toString()) || '';
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') return false;
    if (/disabled/i.test(cls)) return false;
    const rect = el.getBoundingClientRect();
    return !(rect.width === 0 && rect.height === 0);
  };
  const mark = el => {
    const href = el.tagName === 'A' ? (el.getAttribute('href') || '') : '';
    el.setAttribute('data-archiver-next', '1');
    return {href: href};
  };
  for (const el of scope.querySelectorAll(controls)) {
    const label = (el.innerText || el.textContent || '').trim();
    const aria = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
    if (!wanted.has(label) && !wanted.has(aria)) continue;
    if (!usable(el)) continue;
    return mark(el);
  }
  const CURRENT = /(^|[\s_-])(active|current|cur|curr|on|selected|now|thisclass)($|[\s_-])/i;
  const isCurrent = el => {
    if (el.getAttribute('aria-current') === 'page') return true;
    const own = (el.className && el.className.toString()) || '';
    const parent = el.parentElement;
    const around = parent && parent.tagName === 'LI' ? (parent.className || '').toString() : '';
    return CURRENT.test(own) || CURRENT.test(around);
  };
  const numbered = [];
  for (const el of scope.querySelectorAll(controls + ', span, strong, em, b')) {
    const label = (el.innerText || el.textContent || '').trim();
    if (!/^\d{1,3}$/.test(label) || el.querySelector('a, button')) continue;
    numbered.push({el: el, n: Number(label)});
  }
  const current = numbered.filter(item => isCurrent(item.el));
  const pages = new Set(current.map(item => item.n));
  if (pages.size === 0) return unmarked(numbered, turned || 0);
  if (pages.size !== 1) return null;  // two pages marked current: no guess
  const after = [...pages][0] + 1;
  // The pager is what holds the current page (its list, when the page is an <li>'s link):
  // a row's own number elsewhere ("<li><em>2</em>甲公司</li>") is no page.
  const marked = current[0].el;
  const holder = marked.parentElement && marked.parentElement.tagName === 'LI'
    ? marked.parentElement.parentElement : marked.parentElement;
  for (const item of numbered) {
    if (item.n !== after || isCurrent(item.el) || !usable(item.el)) continue;
    if (holder && !holder.contains(item.el)) continue;
    if (!item.el.matches(controls) && !item.el.closest('a, button, li, [onclick]')) continue;
    return mark(item.el.closest('a, button') || item.el);
  }
  return null;

  // A run of page links 1..n sharing one parent (an <li>'s link: the list), none marked.
  function unmarked(items, done) {
    const links = items.filter(item => item.el.matches('a, button, [onclick]'));
    const first = links.find(item => item.n === 1);
    if (!first) return null;
    const holderOf = el => (el.parentElement && el.parentElement.tagName === 'LI'
      ? el.parentElement.parentElement : el.parentElement);
    const holder = holderOf(first.el);
    const run = links.filter(item => holderOf(item.el) === holder).map(item => item.n);
    if (run.length < 2 || run.some((n, i) => n !== i + 1)) return null;
    const wanted = links.find(item => holderOf(item.el) === holder && item.n === done + 2);
    return wanted && usable(wanted.el) ? mark(wanted.el) : null;
  }
}
