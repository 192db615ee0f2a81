// Whether the page still shows a loading placeholder where a script will draw its content:
// a single-page app whose timer has not fetched its data yet. Either words ("加载中…",
// "正在加载"), or a page with next to no text yet that shows a spinner or is an empty app
// shell (<div id="root"></div> and scripts).
() => {
  const body = document.body;
  if (!body) { return false; }
  const text = (body.innerText || "").slice(0, 20000);
  if (/加载中|正在加载|数据加载|loading\s*(?:\.\.\.|…)/i.test(text)) { return true; }
  if (text.replace(/\s+/g, "").length >= 200) { return false; }
  const shown = (node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== "hidden";
  };
  const spinners = document.querySelectorAll(
    "[class*='spin'],[class*='loading'],[class*='loader'],[class*='skeleton'],[aria-busy='true']"
  );
  if (Array.from(spinners).some(shown)) { return true; }
  const shell = document.querySelector("#root,#app,#__next,#__nuxt,[data-reactroot]");
  return text.trim().length < 20 && shell !== null && document.scripts.length > 0;
}
