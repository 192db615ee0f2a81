// Marks the time of the last DOM mutation from the first byte (an init script).
(() => {
  window.__archiverLastMutation = performance.now();
  new MutationObserver(() => { window.__archiverLastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true});
})();
