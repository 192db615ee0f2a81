// Script links that name a document in their text ("名单.pdf") but build its URL in code
// (onclick="downloadFile('7f3c9e21','2025/11')"): each is clicked once with window.open, an
// anchor's click(), a form's submit() (a hidden <form action="…/名单.pdf" method="post">) and a
// location change caught, so nothing opens; the URLs they would open
// are returned as [url, text]. At most 10 links; each URL then obeys the URL policy like any
// other link.
([selector, named]) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const document_name = new RegExp(named, 'i');
  const found = [];
  const open = window.open;
  const click = HTMLAnchorElement.prototype.click;
  const submit = HTMLFormElement.prototype.submit;
  const requestSubmit = HTMLFormElement.prototype.requestSubmit;
  let clicked = 0;
  try {
    for (const e of scope.querySelectorAll('[onclick]')) {
      if (clicked >= 10) break;
      const text = (e.innerText || e.textContent || '').trim();
      const href = e.tagName === 'A' ? (e.getAttribute('href') || '') : '';
      if (!document_name.test(text + ' ' + (e.getAttribute('title') || ''))) continue;
      if (href && !/^(?:javascript:|#)/i.test(href.trim())) continue;  // a plain link
      const seen = [];
      window.open = (url) => { if (url) seen.push(String(url)); return null; };
      HTMLAnchorElement.prototype.click = function () { if (this.href) seen.push(this.href); };
      // the form's action is the document (fetched later by GET, as every link is)
      HTMLFormElement.prototype.submit = function () { if (this.action) seen.push(this.action); };
      HTMLFormElement.prototype.requestSubmit = HTMLFormElement.prototype.submit;
      clicked += 1;
      const stay = (event) => event.preventDefault();  // after the handlers: no navigation
      // location.href = '…download.jsp?fileId=…' (no window.open): the navigation it starts
      // is seen and cancelled through the Navigation API where the browser has it
      const going = (event) => {
        if (event.destination && event.destination.url) seen.push(event.destination.url);
        if (event.cancelable) event.preventDefault();
      };
      const navigation = window.navigation;
      if (navigation) navigation.addEventListener('navigate', going);
      window.addEventListener('click', stay);
      try {
        e.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
      } catch (err) { /* the page's own error */ } finally {
        window.removeEventListener('click', stay);
        if (navigation) navigation.removeEventListener('navigate', going);
      }
      for (const url of seen) {
        try { found.push([new URL(url, document.baseURI).href.slice(0, 4096), text.slice(0, 200)]); }
        catch (err) { /* not a URL */ }
      }
    }
  } finally {
    window.open = open;
    HTMLAnchorElement.prototype.click = click;
    HTMLFormElement.prototype.submit = submit;
    HTMLFormElement.prototype.requestSubmit = requestSubmit;
  }
  return found;
}
