// After a full-page submit with errors, the focus goes to the error summary, so
// that keyboard and screen reader users hear what went wrong first and can
// follow its links to the fields. Without JavaScript the summary is the first
// thing in the main content. (Summaries that HTMX swaps in carry `autofocus`.)
(function () {
  "use strict";

  var summary = document.querySelector("main .error-summary");
  if (summary) {
    summary.focus();
  }
})();
