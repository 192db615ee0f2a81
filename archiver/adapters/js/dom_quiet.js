// Resolves once the DOM has been quiet for quietMs, or after maxMs.
([quietMs, maxMs]) => new Promise(resolve => {
  const started = performance.now();
  if (window.__archiverLastMutation === undefined) {
    window.__archiverLastMutation = started;
    new MutationObserver(() => { window.__archiverLastMutation = performance.now(); })
      .observe(document, {subtree: true, childList: true, characterData: true});
  }
  const tick = () => {
    const now = performance.now();
    const quiet = now - window.__archiverLastMutation;
    if (quiet >= quietMs || now - started >= maxMs) { resolve(); return; }
    setTimeout(tick, Math.max(5, Math.min(25, quietMs - quiet)));
  };
  tick();
})
