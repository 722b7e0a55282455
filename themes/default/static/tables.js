// Sorting and filtering for the action-item tables. Without JavaScript the
// tables are already sorted (overdue, open, closed) and grouped views are
// plain sections.
(function () {
  "use strict";
  function cellValue(row, i) {
    var c = row.children[i];
    var t = c ? c.textContent.trim() : "";
    var n = parseFloat(t);
    return isNaN(n) || !/^-?[\d.]+$/.test(t) ? t.toLowerCase() : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, i) {
      var b = document.createElement("button");
      b.className = "sort";
      b.type = "button";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var target = document.getElementById(input.getAttribute("data-filter-table"));
    if (!target) return;
    input.parentNode.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      target.querySelectorAll("tbody tr").forEach(function (tr) {
        var t = tr.textContent.toLowerCase();
        tr.hidden = !words.every(function (w) { return t.indexOf(w) !== -1; });
      });
    });
  });
})();
