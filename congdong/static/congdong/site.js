// congdong — small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // A refused action (400 bad input, 403 not allowed, 429 too many) comes back with a fragment
  // that says why: show it instead of dropping it, as htmx does with errors by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Search-as-you-type forms (<form data-no-submit>): Enter must not leave the page.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-no-submit]")) event.preventDefault();
  });
  // "Copy link" buttons: <button data-copy="#input-id" data-copied="Copied">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var text = field.value || field.textContent;
    var done = function () {
      var label = button.getAttribute("data-copied");
      if (label) { button.textContent = label; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { field.select(); done(); });
    } else {
      field.select();
      try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
      done();
    }
  });
})();
