"use strict";
// Django's filter_horizontal widget (SelectFilter2.js) puts the help text of its
// filter boxes in an aria-label on a <span>, where assistive technology ignores it
// (axe: aria-prohibited-attr, serious). Move the text into visually hidden text
// in the same <label>, so the filter box is named by it, and hide the icon.
(function () {
  function describeIcons() {
    document.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
      const text = document.createElement("span");
      text.className = "visually-hidden";
      text.textContent = icon.getAttribute("aria-label");
      icon.removeAttribute("aria-label");
      icon.setAttribute("aria-hidden", "true");
      icon.after(text);
    });
  }
  // The widget builds its boxes on "load" and again for each new inline row.
  new MutationObserver(describeIcons).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", describeIcons);
})();
