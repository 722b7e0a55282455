// Filters postmortems by title, summary, area and tags from the compact
// index written at build time. Without JavaScript the form stays hidden
// and every list still works.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input");
  var list = form.querySelector(".search-results");
  var index = null;
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (d) { index = d; return d; });
  }
  function text(e) { return (e.t + " " + e.s + " " + e.a + " " + e.g.join(" ") + " " + e.v).toLowerCase(); }
  function show(entries) {
    list.textContent = "";
    entries.slice(0, 20).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      // entries link relative to the site's root, where the index lies
      a.href = new URL(e.u, new URL(form.getAttribute("data-index"), location.href)).href;
      a.textContent = e.t;
      var meta = document.createElement("div");
      meta.className = "muted";
      meta.textContent = [e.d, e.v, e.a].filter(Boolean).join(" · ") + (e.s ? " — " + e.s : "");
      li.appendChild(a);
      li.appendChild(meta);
      list.appendChild(li);
    });
    if (entries.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No postmortem matches.";
      list.appendChild(none);
    }
  }
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) { list.textContent = ""; return; }
    load().then(function (d) {
      show(d.filter(function (e) {
        var t = text(e);
        return words.every(function (w) { return t.indexOf(w) !== -1; });
      }));
    });
  });
})();
