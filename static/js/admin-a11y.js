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
  // The autocomplete widget (select2) types into a search field of its own that
  // has no name (axe: label, critical): name it by the label of the select it
  // stands for.
  function labelSearchFields() {
    document.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      const container = select.nextElementSibling;
      if (!label || !container) {
        return;
      }
      const name = label.textContent.replace(/:\s*$/, "").trim();
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", name);
      });
    });
  }
  function improve() {
    describeIcons();
    labelSearchFields();
  }
  // The widgets build their parts on "load" and again for each new inline row.
  new MutationObserver(improve).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", improve);
})();
