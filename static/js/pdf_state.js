// A PDF being prepared: ask its state every few seconds and reload the page
// once it is ready (or failed). A file of its own, not an inline script, so
// that the page carries no per-visitor nonce and can be kept in the public
// cache (portal.public_cache.cache_public_page).
(function () {
  if (window.portalPdfState) { return; }
  window.portalPdfState = true;
  function watch(box) {
    var tries = 0;
    function poll() {
      fetch(box.dataset.statusUrl, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.state !== "pending" && data.state !== "rendering") { window.location.reload(); }
          else if (++tries < 120) { setTimeout(poll, 3000); }
        })
        .catch(function () { if (++tries < 120) { setTimeout(poll, 5000); } });
    }
    setTimeout(poll, 2000);
  }
  document.querySelectorAll(".edition-pdf[data-status-url]").forEach(watch);
})();
