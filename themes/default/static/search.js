// Search over the index written at build time (src/render/search/): a
// root file with the facets, then only the shards of the words typed, the
// metadata of the postmortems shown and the text of those quoted. Every
// file is a script that hands its data to window.retroSearch, so search
// works from disk too, where browsers refuse fetch.
//
// The search box shows the best results in a panel under it; Enter opens
// the chosen one, or every result on the postmortem list, whose filters
// (severity, area, year, status, kind) use the same index and the URL:
// postmortems/?q=cert&severity=SEV1. Without JavaScript, the box stays
// hidden and every list stays whole.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form || !window.Promise || !window.TextEncoder) return;
  var rootFile = form.getAttribute("data-index");
  var base = rootFile.slice(0, rootFile.lastIndexOf("/") + 1);
  var siteRoot = base.replace(/search\/$/, "");
  var fromDisk = location.protocol === "file:";
  var R = { root: null, shards: {}, docs: {}, frags: {} };
  window.retroSearch = {
    root: function (_, d) { R.root = d; },
    shard: function (k, d) { R.shards[k] = d; },
    docs: function (k, d) { R.docs[k] = d; },
    // quoted texts are as written: each run of white space made one space
    quotes: function (k, d) {
      d.forEach(function (parts, j) {
        parts.forEach(function (p) { p[2] = p[2].replace(/\s+/g, " ").trim(); });
        R.frags[k * R.root.quotes_per_file + j] = { parts: parts };
      });
    }
  };

  // how many results the panel shows
  var SHOWN = 8;

  // ---- loading the index's files ----
  var loading = {};
  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (done) {
        var s = document.createElement("script");
        s.src = base + path;
        s.onload = done;
        s.onerror = done; // a file that is not there holds nothing
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }
  function hex(key) {
    var out = "";
    new TextEncoder().encode(key).forEach(function (b) { out += (b < 16 ? "0" : "") + b.toString(16); });
    return out;
  }
  // A word lies in the shard of the longest key it starts with (two
  // characters, more where the index split a large shard).
  var keys = null;
  function shardKey(word) {
    var cs = Array.from(word);
    for (var n = cs.length; n > 2; n--) {
      var k = cs.slice(0, n).join("");
      if (keys.has(k)) return k;
    }
    return cs.slice(0, 2).join("");
  }
  // The shards a word needs: its own and those of its shorter prefixes
  // (where an unseen form's stem lies), and as a prefix a few more.
  function shardsOf(word, prefix) {
    var own = shardKey(word), out = [own], cs = Array.from(own);
    for (var i = 2; i < cs.length; i++) if (keys.has(cs.slice(0, i).join(""))) out.push(cs.slice(0, i).join(""));
    if (prefix) {
      R.root.shards.forEach(function (k) {
        if (k !== own && k.indexOf(word) === 0 && out.length < 8) out.push(k);
      });
    }
    return out;
  }
  function loadRoot() {
    return load("root.js").then(function () {
      if (R.root && !keys) keys = new Set(R.root.shards);
      return R.root;
    });
  }
  function loadShards(list) {
    return Promise.all(list.filter(function (k) { return keys.has(k); }).map(function (k) { return load("t/" + hex(k) + ".js"); }));
  }
  function loadDocs(docs) {
    var files = {};
    docs.forEach(function (d) { files[Math.floor(d / R.root.per_file)] = 1; });
    return Promise.all(Object.keys(files).map(function (f) { return load("d/" + f + ".js"); }));
  }
  function meta(d) {
    var m = R.docs[Math.floor(d / R.root.per_file)][d % R.root.per_file];
    return { title: m[0], url: m[1], date: m[2], severity: m[3], area: m[4], status: m[5], badge: m[6] };
  }
  function pageUrl(link, anchor) {
    return siteRoot + link + (fromDisk && /\/$/.test(link) ? "index.html" : "") + (anchor ? "#" + anchor : "");
  }

  // ---- reading a query as the index reads text ----
  // words: what a result must match; not: what it must not; the last
  // word may be unfinished and matches as a prefix.
  function parse(q) {
    var words = [], not = [];
    q.replace(/"([^"]*)"|(\S+)/g, function (_, phrase, word) {
      var neg = word !== undefined && word.length > 1 && word[0] === "-";
      tokens(phrase !== undefined ? phrase : neg ? word.slice(1) : word).forEach(function (t) {
        (neg ? not : words).push(t);
      });
    });
    return { words: words, not: not, open: /\S$/.test(q) && !/"$/.test(q) };
  }
  function tokens(text) {
    var out = [];
    text.toLowerCase().split(/[^\p{L}\p{N}_-]+/u).forEach(function (tok) {
      tok = tok.replace(/^[-_]+|[-_]+$/g, "");
      if (!tok) return;
      if (/[-_]/.test(tok)) {
        // an id (PAY-201) is a word of its own
        if (/\d/.test(tok) && tok.split(/[-_]/).every(Boolean)) { out.push(tok); return; }
        tok.split(/[-_]+/).forEach(function (p) { if (word(p)) out.push(p); });
        return;
      }
      if (word(tok)) out.push(tok);
    });
    return out;
  }
  function word(w) { return Array.from(w).length >= 2 && R.root.stop.indexOf(w) === -1; }
  function lookupKey(w) { return R.root.same[w] || w; }

  // The index's terms a word matches: its own term, the term of the same
  // form met in the site, else the longest term it begins with (an unseen
  // form: `expiry` finds `expir`); as a prefix too when it is the word
  // being typed.
  function termsOf(w, prefix) {
    var out = {};
    var t = R.root.same[w];
    if (t) out[t] = 1;
    var sh = R.shards[shardKey(w)];
    if (sh) {
      if (sh.t[w]) out[w] = 1;
      if (sh.f[w]) out[sh.f[w]] = 1;
    }
    if (!Object.keys(out).length && !/\d/.test(w)) {
      var v = w.replace(/y$/, "i");
      for (var n = v.length - 1; n >= Math.max(3, v.length - 5); n--) {
        var stem = v.slice(0, n), in_ = R.shards[shardKey(stem)];
        if (in_ && in_.t[stem]) { out[stem] = 1; break; }
      }
    }
    if (prefix) {
      var found = 0;
      shardsOf(w, true).forEach(function (k) {
        var s = R.shards[k];
        if (!s) return;
        for (var term in s.t) { if (term.indexOf(w) === 0 && found++ < 50) out[term] = 1; }
        for (var f in s.f) { if (f.indexOf(w) === 0 && found++ < 80) out[s.f[f]] = 1; }
      });
    }
    return Object.keys(out);
  }
  function scores(terms) {
    var best = new Map();
    terms.forEach(function (t) {
      var sh = R.shards[shardKey(t)];
      var list = sh && sh.t[t];
      if (!list) return;
      for (var i = 0, d = 0; i < list.length; i += 2) {
        d += list[i];
        if ((best.get(d) || 0) < list[i + 1]) best.set(d, list[i + 1]);
      }
    });
    return best;
  }

  // ---- searching ----
  // Resolves to { hits: [doc numbers, best first], terms: matched terms,
  // count per facet value }.
  function run(q, filters) {
    return loadRoot().then(function (root) {
      if (!root) return { hits: [], terms: [], words: [] };
      var p = parse(q);
      // only common words, or one letter: nothing to look for yet
      if (q.trim() && !p.words.length && !p.not.length) return { hits: [], terms: [], words: [], counts: null, empty: true };
      var needed = [];
      p.words.concat(p.not).forEach(function (w, i) {
        var open = p.open && i === p.words.length - 1;
        needed = needed.concat(shardsOf(lookupKey(w), false), shardsOf(w, open));
      });
      return loadShards(needed).then(function () {
        var total = null, matched = [];
        p.words.forEach(function (w, i) {
          var ts = termsOf(w, p.open && i === p.words.length - 1 && p.not.indexOf(w) === -1);
          matched = matched.concat(ts);
          var s = scores(ts);
          if (total === null) { total = s; return; }
          var next = new Map();
          total.forEach(function (v, d) { if (s.has(d)) next.set(d, v + s.get(d)); });
          total = next;
        });
        var excluded = new Set();
        p.not.forEach(function (w) { scores(termsOf(w, false)).forEach(function (_, d) { excluded.add(d); }); });
        var docs = [];
        if (total === null) { for (var d = 0; d < root.n; d++) docs.push(d); } else { total.forEach(function (_, d) { docs.push(d); }); }
        docs = docs.filter(function (d) { return !excluded.has(d); });
        var counts = {};
        root.facets.forEach(function (f) {
          // a facet's counts are of the results filtered by the others
          var c = f.values.map(function () { return 0; });
          docs.forEach(function (d) { if (passes(d, filters, f.name)) c[f.of[d]]++; });
          counts[f.name] = c;
        });
        docs = docs.filter(function (d) { return passes(d, filters, null); });
        docs.sort(function (a, b) {
          var sa = total ? total.get(a) : 0, sb = total ? total.get(b) : 0;
          return sb - sa || b - a;
        });
        return { hits: docs, terms: matched, words: p.words, counts: counts };
      });
    });
  }
  function passes(d, filters, except) {
    return R.root.facets.every(function (f) {
      var want = filters[f.name];
      return !want || f.name === except || f.values[f.of[d]] === want;
    });
  }

  // ---- showing results ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // Where in `text` words of the `wanted` terms stand, as [start, end]
  // pairs; the terms found are added to `seen`.
  function hitsIn(text, wanted, seen) {
    var hits = [], re = /[\p{L}\p{N}_-]+/gu, m;
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase().replace(/^[-_]+|[-_]+$/g, "");
      var found = [w].concat(termsKnown(w)).filter(function (t) { return wanted.has(t); });
      if (found.length) {
        hits.push([m.index, m.index + m[0].length]);
        if (seen) found.forEach(function (t) { seen.add(t); });
      }
    }
    return hits;
  }
  // Appends text[start..end] to `parent`, the `hits` in it marked.
  function marked(parent, text, hits, start, end) {
    var at = start;
    hits.forEach(function (h) {
      if (h[0] < at || h[1] > end) return;
      parent.appendChild(document.createTextNode(text.slice(at, h[0])));
      parent.appendChild(el("mark", "", text.slice(h[0], h[1])));
      at = h[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at, end)));
  }
  // The part of a postmortem's text that matches most of the query's
  // terms, as a short quote with the matched words marked.
  function quote(d, terms, words) {
    var frag = R.frags[d];
    if (!frag || !words.length) return null;
    var wanted = new Set(terms);
    var best = null;
    frag.parts.forEach(function (part) {
      var seen = new Set(), hits = hitsIn(part[2], wanted, seen);
      if (hits.length && (!best || seen.size > best.seen)) best = { part: part, hits: hits, seen: seen.size };
    });
    if (!best) return null;
    var text = best.part[2], first = best.hits[0][0];
    var start = Math.max(0, first - 60), end = Math.min(text.length, first + 160);
    // a quote starts and ends between words
    if (start > 0) start = Math.min(first, text.indexOf(" ", start) + 1 || first);
    if (end < text.length) end = Math.max(best.hits[0][1], text.lastIndexOf(" ", end));
    var q = el("p", "snippet");
    q.appendChild(el("span", "muted", best.part[0] + ": "));
    if (start > 0) q.appendChild(document.createTextNode("…"));
    marked(q, text, best.hits, start, end);
    if (end < text.length) q.appendChild(document.createTextNode("…"));
    return { node: q, anchor: best.part[1] };
  }
  function termsKnown(w) {
    var out = [], sh = R.shards[shardKey(w)];
    if (R.root.same[w]) out.push(R.root.same[w]);
    if (sh && sh.f[w]) out.push(sh.f[w]);
    return out;
  }
  function result(d, r, tag) {
    var m = meta(d);
    var li = el(tag || "li", "result");
    var a = el("a", "result-title");
    marked(a, m.title, r.words.length ? hitsIn(m.title, new Set(r.terms)) : [], 0, m.title.length);
    a.href = pageUrl(m.url);
    var line = el("div", "result-meta muted");
    line.appendChild(el("span", "badge " + m.badge, m.severity));
    line.appendChild(document.createTextNode(" " + [m.date, m.area, m.status].filter(Boolean).join(" · ")));
    li.appendChild(a);
    li.appendChild(line);
    var q = quote(d, r.terms, r.words);
    if (q) {
      li.appendChild(q.node);
      if (q.anchor) a.href = pageUrl(m.url, q.anchor);
    }
    return li;
  }
  // The metadata of `docs` and the text of the first `quoted`, loaded.
  function ready(docs, quoted, words) {
    var frags = words.length ? docs.slice(0, quoted).map(function (d) { return load("q/" + Math.floor(d / R.root.quotes_per_file) + ".js"); }) : [];
    return Promise.all([loadDocs(docs)].concat(frags));
  }
  function plural(n, one) { return n + " " + one + (n === 1 ? "" : "s"); }

  // what the search box does for a query, for scripts and tests: resolves
  // to the number of results once the best are ready to show
  window.retroSearch.find = function (q, filters) {
    return run(q, filters || {}).then(function (r) {
      return ready(r.hits.slice(0, SHOWN), SHOWN, r.words).then(function () { return r.hits.length; });
    });
  };

  // ---- the search box and its panel ----
  var input = form.querySelector("input");
  var panel = form.querySelector(".search-panel");
  var list = form.querySelector(".search-results");
  var count = form.querySelector(".search-count");
  var active = -1, asked = 0;
  form.hidden = false;

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function mark(i) {
    var items = list.querySelectorAll("[role=option]");
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach(function (it, k) { it.setAttribute("aria-selected", k === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("input", function () {
    var q = input.value;
    var mine = ++asked;
    if (!q.trim()) { close(); return; }
    run(q, {}).then(function (r) {
      var top = r.hits.slice(0, SHOWN);
      return ready(top, SHOWN, r.words).then(function () {
        if (mine !== asked) return;
        list.textContent = "";
        top.forEach(function (d, k) {
          var li = result(d, r);
          li.id = "r-hit-" + k;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          list.appendChild(li);
        });
        var more = r.hits.length > SHOWN;
        count.textContent = r.empty ? "Type a word of two letters or more; common words such as \u201cthe\u201d are not searched." : r.hits.length ? plural(r.hits.length, "postmortem") + (more ? ", the best " + SHOWN + " shown; Enter for all" : "") : "No postmortem matches.";
        panel.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      });
    });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); mark(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(active - 1); }
    else if (e.key === "Escape") { close(); input.blur(); }
    else if (e.key === "Enter") {
      e.preventDefault();
      var chosen = list.querySelectorAll("[role=option]")[active];
      if (chosen && !panel.hidden) { location.href = chosen.querySelector("a").href; return; }
      location.href = pageUrl("postmortems/") + "?q=" + encodeURIComponent(input.value);
    }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });

  // ---- the postmortem list: words and filters, from the URL ----
  var finder = document.getElementById("r-find");
  if (!finder) return;
  var params = new URLSearchParams(location.search);
  var table = document.getElementById("r-all");
  var out = el("div", "find-results");
  var said = el("p", "find-count");
  said.setAttribute("aria-live", "polite");
  var found = el("ol", "find-list");
  out.appendChild(said);
  out.appendChild(found);
  loadRoot().then(function (root) {
    if (!root) return;
    var f = el("form", "find");
    f.setAttribute("role", "search");
    var label = el("label", "", "Words");
    var words = el("input");
    words.type = "search";
    words.name = "q";
    words.id = "r-find-q";
    label.htmlFor = "r-find-q";
    words.value = params.get("q") || "";
    words.autocomplete = "off";
    var wordsWrap = el("span", "facet facet-words");
    wordsWrap.appendChild(label);
    wordsWrap.appendChild(words);
    f.appendChild(wordsWrap);
    var selects = {};
    root.facets.forEach(function (facet) {
      var l = el("label", "", facet.label);
      var s = el("select");
      s.name = facet.name;
      s.id = "r-find-" + facet.name;
      l.htmlFor = s.id;
      var any = el("option", "", "any");
      any.value = "";
      s.appendChild(any);
      facet.values.forEach(function (v) {
        var o = el("option", "", v.replace(/_/g, " "));
        o.value = v;
        s.appendChild(o);
      });
      s.value = params.get(facet.name) || "";
      selects[facet.name] = s;
      var wrap = el("span", "facet");
      wrap.appendChild(l);
      wrap.appendChild(s);
      f.appendChild(wrap);
    });
    finder.appendChild(f);
    finder.appendChild(out);
    finder.hidden = false;
    var mine = 0;
    function refresh(push) {
      var filters = {};
      var state = new URLSearchParams();
      if (words.value.trim()) state.set("q", words.value.trim());
      root.facets.forEach(function (facet) {
        var v = selects[facet.name].value;
        if (v) { filters[facet.name] = v; state.set(facet.name, v); }
      });
      if (push) history.replaceState(null, "", location.pathname + (state.toString() ? "?" + state : ""));
      var on = !!state.toString();
      if (table) table.hidden = on;
      out.hidden = !on;
      var me = ++mine;
      run(words.value, filters).then(function (r) {
        if (r.counts) fill(r.counts);
        if (!on) return;
        var shown = r.hits.slice(0, 100);
        return ready(shown, 20, r.words).then(function () {
          if (me !== mine) return;
          found.textContent = "";
          shown.forEach(function (d) { found.appendChild(result(d, r)); });
          said.textContent = r.empty ? "Type a word of two letters or more." : r.hits.length ? plural(r.hits.length, "postmortem") + " found" + (r.hits.length > 100 ? ", the first 100 shown" : "") : "No postmortem matches.";
        });
      });
    }
    // each value with how many results it would leave
    function fill(counts) {
      root.facets.forEach(function (facet) {
        var options = selects[facet.name].options;
        facet.values.forEach(function (v, k) { options[k + 1].textContent = v.replace(/_/g, " ") + " (" + counts[facet.name][k] + ")"; });
      });
    }
    words.addEventListener("input", function () { refresh(true); });
    f.addEventListener("change", function () { refresh(true); });
    f.addEventListener("submit", function (e) { e.preventDefault(); refresh(true); });
    refresh(false);
  });
})();
