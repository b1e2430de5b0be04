// The matrix saves on "Speichern" only. Leaving the page (a pager link, the
// filters) with a state chosen but not saved would lose that choice without a
// word, so the browser asks first. A cell is unsaved while its select differs
// from its "before" field (v-...), which each save brings up to date.
(function () {
  "use strict";

  var saving = false;

  function unsaved() {
    var selects = document.querySelectorAll("#matrix select[name^='z-']");
    for (var i = 0; i < selects.length; i++) {
      var before = document.getElementById("v" + selects[i].name.slice(1));
      if (before && before.value !== selects[i].value) {
        return true;
      }
    }
    return false;
  }

  // Saving the matrix form is no leaving, with HTMX or (without it) as a page load.
  document.addEventListener("submit", function (event) {
    if (event.target.closest && event.target.closest("#matrix")) {
      saving = true;
    }
  }, true);
  document.addEventListener("htmx:afterRequest", function () {
    saving = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!saving && unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
