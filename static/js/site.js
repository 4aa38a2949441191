// Small page helpers (no build step). htmx does the rest.
document.addEventListener("htmx:xhr:progress", function (evt) {
  var bar = document.querySelector("#upload-progress > span");
  if (bar && evt.detail.lengthComputable) {
    bar.style.width = Math.round((evt.detail.loaded / evt.detail.total) * 100) + "%";
  }
});
document.addEventListener("change", function (evt) {
  var all = evt.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll("input[name='" + all.dataset.selectAll + "']").forEach(function (box) {
    box.checked = all.checked;
  });
});
// Irreversible acts ask first: a button (or form) with data-confirm="…" submits only after the person confirms.
document.addEventListener("submit", function (evt) {
  var button = evt.submitter && evt.submitter.closest("[data-confirm]");
  var text = (button && button.dataset.confirm) || evt.target.dataset.confirm;
  if (text && !window.confirm(text)) {
    evt.preventDefault();
    evt.stopImmediatePropagation();
  }
}, true);
// Phones: under 600 px every table becomes a stack of cards (site.css); each cell is labelled with its column.
function labelTableCells(root) {
  (root || document).querySelectorAll(".table-wrap table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.classList.add("cards");
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (!td.hasAttribute("data-label") && heads[i] && !td.hasAttribute("colspan")) td.setAttribute("data-label", heads[i]);
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelTableCells(document); });
document.addEventListener("htmx:afterSettle", function (evt) { labelTableCells(evt.detail.elt.parentNode || document); });
