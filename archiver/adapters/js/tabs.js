// Tabs that show another part of the list when clicked, their pane often fetched only then
// (平台运营机构 | 增信服务机构, 现合作机构 | 历史合作机构): a bar of 2 to 8 short labels, exactly
// one marked current, whose other labels name partners, a status or a year and open no other
// document. Each such label is marked data-archiver-tab="n" (n from 0) for a click; the count
// is returned.
([selector, max]) => {
  const scope = (selector && document.querySelector(selector)) || document.body;
  if (!scope) return 0;
  for (const old of document.querySelectorAll('[data-archiver-tab]')) {
    old.removeAttribute('data-archiver-tab');
  }
  const CURRENT = /(^|[\s_-])(active|current|cur|curr|on|selected|select|now|checked)($|[\s_-])/i;
  const WORDS = /机构|名单|合作|平台|增信|担保|保险|历史|终止|退出|往期|暂停|(19|20)\d\d\s*年/;
  const label = el => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  const isCurrent = el => {
    if (el.getAttribute('aria-selected') === 'true') return true;
    const inner = el.querySelector('a, span, button');
    return [el, inner].some(e => e && CURRENT.test(String(e.className || '')));
  };
  const opensDocument = el => {
    const link = el.matches('a[href]') ? el : el.querySelector('a[href]');
    if (!link) return false;
    const href = (link.getAttribute('href') || '').trim().toLowerCase();
    return !(href === '' || href.startsWith('#') || href.startsWith('javascript:'));
  };
  const shown = el => {
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const tabs = [];
  const bars = new Set();
  for (const el of scope.querySelectorAll('[role=tab], li, button, a, span, div')) {
    if (el.parentElement) bars.add(el.parentElement);
  }
  for (const bar of bars) {
    const items = Array.from(bar.children);
    if (items.length < 2 || items.length > 8) continue;
    if (new Set(items.map(item => item.tagName)).size !== 1) continue;
    if (!['LI', 'A', 'BUTTON', 'SPAN', 'DIV'].includes(items[0].tagName)) continue;
    const labels = items.map(label);
    if (labels.some(text => text.length < 2 || text.length > 24)) continue;
    if (items.some(item => item.querySelectorAll('*').length > 6)) continue;
    const current = items.filter(isCurrent);
    if (current.length !== 1) continue;
    items.forEach((item, index) => {
      if (item === current[0] || !WORDS.test(labels[index])) return;
      if (opensDocument(item) || !shown(item) || tabs.length >= max) return;
      tabs.push(item);
    });
  }
  tabs.forEach((tab, index) => tab.setAttribute('data-archiver-tab', String(index)));
  return tabs.length;
}
