// Tells the user when an HTMX request failed (403, 5xx, network), instead of
// silently doing nothing. The texts come translated from the page.
(function () {
  "use strict";

  function show(status) {
    var box = document.getElementById("htmx-error");
    if (!box) {
      return;
    }
    var text = (status === 403 && box.dataset.message403) || box.dataset.message;
    box.querySelector("p").textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.xhr.status);
  });
  document.addEventListener("htmx:sendError", function () {
    show(0);
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = true;
    }
  });
})();
