/* Presentation mode: one slide at a time, paged with the keyboard or the buttons.
 *
 * Next: ArrowRight, PageDown, Space. Previous: ArrowLeft, PageUp, Shift+Space.
 * Home and End: first and last slide. The address keeps the slide (#folie-3),
 * so reloading or sharing the link opens the same slide. Without this script
 * the page shows all slides one below the other.
 */
(function () {
  "use strict";

  var deck = document.getElementById("deck");
  var controls = document.querySelector("[data-deck-controls]");
  var indicator = document.getElementById("deck-indicator");
  if (!deck || !controls || !indicator) {
    return;
  }
  var slides = Array.prototype.slice.call(deck.querySelectorAll(":scope > .slide"));
  if (!slides.length) {
    return;
  }
  var previousButton = controls.querySelector("[data-deck-previous]");
  var nextButton = controls.querySelector("[data-deck-next]");
  var template = indicator.getAttribute("data-template") || "{number} / {total}";
  var current = -1;

  function indexFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    for (var i = 0; i < slides.length; i++) {
      if (slides[i].id === id) {
        return i;
      }
    }
    return -1;
  }

  // Show slide `index`; `focusSlide` moves the focus to it (keyboard paging),
  // so that a screen reader reads the new slide.
  function show(index, focusSlide) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    if (index === current) {
      return;
    }
    current = index;
    slides.forEach(function (slide, i) {
      slide.hidden = i !== index;
    });
    indicator.textContent = template
      .replace("{number}", String(index + 1))
      .replace("{total}", String(slides.length));
    var leaving = document.activeElement;
    previousButton.disabled = index === 0;
    nextButton.disabled = index === slides.length - 1;
    if (window.location.hash !== "#" + slides[index].id) {
      window.history.replaceState(null, "", "#" + slides[index].id);
    }
    // A button that just became disabled would drop the focus to the body.
    if (focusSlide || (leaving && leaving.disabled)) {
      slides[index].focus({ preventScroll: true });
    }
  }

  var keys = {
    ArrowRight: 1,
    PageDown: 1,
    " ": 1,
    ArrowLeft: -1,
    PageUp: -1,
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    // Form fields keep their keys; buttons and links keep Space (it presses them).
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) {
      return;
    }
    if (event.key === " " && target.closest && target.closest("a, button")) {
      return;
    }
    var next;
    if (event.key === "Home") {
      next = 0;
    } else if (event.key === "End") {
      next = slides.length - 1;
    } else if (Object.prototype.hasOwnProperty.call(keys, event.key)) {
      var step = keys[event.key];
      next = current + (event.key === " " && event.shiftKey ? -step : step);
    } else {
      return;
    }
    event.preventDefault();
    show(next, true);
  });

  previousButton.addEventListener("click", function () {
    show(current - 1, false);
  });
  nextButton.addEventListener("click", function () {
    show(current + 1, false);
  });
  window.addEventListener("hashchange", function () {
    var index = indexFromHash();
    if (index >= 0) {
      show(index, true);
    }
  });

  deck.classList.add("deck--paged");
  controls.hidden = false;
  show(Math.max(indexFromHash(), 0), false);
})();
