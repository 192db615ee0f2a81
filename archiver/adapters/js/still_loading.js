// Whether the page still shows a loading placeholder ("加载中…", "正在加载") where a script
// will draw its content: a single-page app whose timer has not fetched its data yet.
() => {
  const body = document.body;
  if (!body) { return false; }
  const text = (body.innerText || "").slice(0, 20000);
  return /加载中|正在加载|数据加载|loading\s*(?:\.\.\.|…)/i.test(text);
}
