// Site search without a server: reads the index that award build writes
// under search/ (see site/search.go for its format). A query is cut into the
// same terms as the index (two-character pieces of Chinese text, lower-cased
// Latin words); only the index shards holding those terms are fetched, the
// pages holding every term are listed, newest first, with the query's words
// marked (<mark>) in their titles and summaries. When nothing is found the
// message links to the site map (the form's data-sitemap).
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-index]");
  var out = document.getElementById("search-results");
  if (!form || !out || !window.fetch) return;
  var base = form.getAttribute("data-search-index");
  var input = form.querySelector("input[name=q]");
  var sitemap = form.getAttribute("data-sitemap");

  function isHan(c) { return /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/.test(c); }
  function isWord(c) { return /[0-9A-Za-z]/.test(c) || (/\p{L}|\p{N}/u.test(c) && !isHan(c)); }
  function terms(text) {
    var out = [], run = [], word = "";
    function flushRun() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    function flushWord() { if (word) { out.push(word.toLowerCase()); word = ""; } }
    for (var ch of text) {
      if (isHan(ch)) { flushWord(); run.push(ch); }
      else if (isWord(ch)) { flushRun(); word += ch; }
      else { flushRun(); flushWord(); }
    }
    flushRun(); flushWord();
    return Array.from(new Set(out));
  }
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function pad(n) { return ("00" + n).slice(-3); }
  function getJSON(path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }
  function decode(list) {
    var ids = [], prev = 0;
    for (var i = 0; i < list.length; i++) { prev += list[i]; ids.push(prev); }
    return ids;
  }
  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; }
      else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }
  function say(text) { out.textContent = text; }
  // sayWithSitemap shows text, then a link to the site map, then after.
  function sayWithSitemap(text, after) {
    out.textContent = "";
    var p = document.createElement("p");
    p.appendChild(document.createTextNode(text));
    if (sitemap) {
      var a = document.createElement("a");
      a.href = sitemap; a.textContent = "网站地图";
      p.appendChild(a);
    } else {
      p.appendChild(document.createTextNode("网站地图"));
    }
    p.appendChild(document.createTextNode(after));
    out.appendChild(p);
  }
  // marked appends text to el with every occurrence of the query's terms
  // (compared without case) wrapped in <mark>; overlapping or touching
  // occurrences are one mark, so 申报条件 is marked whole, not as 申报 报条 条件.
  function marked(el, text, ts) {
    var lower = text.toLowerCase(), spans = [];
    ts.forEach(function (t) {
      for (var i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + 1)) spans.push([i, i + t.length]);
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    var at = 0;
    merged.forEach(function (s) {
      if (s[0] > at) el.appendChild(document.createTextNode(text.slice(at, s[0])));
      var m = document.createElement("mark");
      m.textContent = text.slice(s[0], s[1]);
      el.appendChild(m);
      at = s[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }
  function render(q, rows, total, ts) {
    out.textContent = "";
    var h = document.createElement("p");
    h.textContent = "“" + q + "”共找到 " + total + " 个页面" + (total > rows.length ? "，显示最新的 " + rows.length + " 个" : "") + "：";
    out.appendChild(h);
    var ul = document.createElement("ul");
    ul.className = "page-list";
    rows.forEach(function (r) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = r[0]; marked(a, r[1], ts);
      li.appendChild(a);
      if (r[2]) { var t = document.createElement("time"); t.textContent = " " + r[2]; li.appendChild(t); }
      if (r[3]) { var p = document.createElement("p"); marked(p, r[3], ts); li.appendChild(p); }
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  function search(q) {
    var ts = terms(q);
    if (q.replace(/\s/g, "").length < 2 || ts.length === 0) { say("请输入至少两个字。"); return; }
    say("正在搜索……");
    getJSON("meta.json").then(function (meta) {
      var shards = {};
      ts.forEach(function (t) { shards[fnv1a(t) % meta.shards] = true; });
      return Promise.all(Object.keys(shards).map(function (s) {
        return getJSON("idx/" + pad(+s) + ".json").then(function (m) { return [s, m]; });
      })).then(function (loaded) {
        var bySh = {};
        loaded.forEach(function (x) { bySh[x[0]] = x[1]; });
        var ids = null;
        for (var i = 0; i < ts.length; i++) {
          var list = bySh[fnv1a(ts[i]) % meta.shards][ts[i]];
          if (!list) { ids = []; break; }
          var d = decode(list);
          ids = ids === null ? d : intersect(ids, d);
        }
        ids = ids || [];
        if (ids.length === 0) { sayWithSitemap("没有找到包含“" + q + "”的页面。请换个说法（如少输几个字），或从", "按栏目查找。"); return; }
        var first = ids.slice(0, 20), docShards = {};
        first.forEach(function (id) { docShards[Math.floor(id / meta.docShard)] = true; });
        return Promise.all(Object.keys(docShards).map(function (d) {
          return getJSON("docs/" + pad(+d) + ".json").then(function (rows) { return [d, rows]; });
        })).then(function (docs) {
          var byD = {};
          docs.forEach(function (x) { byD[x[0]] = x[1]; });
          render(q, first.map(function (id) { return byD[Math.floor(id / meta.docShard)][id % meta.docShard]; }), ids.length, ts);
        });
      });
    }).catch(function () { sayWithSitemap("搜索暂时无法使用，请稍后再试，或从", "查找。"); });
  }
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; search(q.trim()); }
})();
