// Live reload for award serve (never part of a built site): listens to the
// server's events; reloads the page after a rebuild, swaps the stylesheets
// when only they changed, and shows build problems over the page until they
// are fixed.
(function () {
  "use strict";
  var me = document.currentScript;
  var url = me ? me.src.replace(/live\.js(\?.*)?$/, "events") : "/_award/events";
  var box = null;
  function clear() {
    if (box) { box.remove(); box = null; }
  }
  function show(lines) {
    clear();
    box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:16px/1.6 monospace;padding:2rem;white-space:pre-wrap";
    var h = document.createElement("h2");
    h.textContent = "生成失败：请修改以下问题，保存后页面会自动更新";
    h.style.cssText = "color:#ffb4b4;font:bold 20px sans-serif;margin:0 0 1rem";
    box.appendChild(h);
    for (var i = 0; i < lines.length; i++) {
      var p = document.createElement("p");
      p.textContent = lines[i];
      p.style.margin = "0 0 .5rem";
      box.appendChild(p);
    }
    document.body.appendChild(box);
  }
  var es = new EventSource(url);
  es.addEventListener("reload", function () { window.location.reload(); });
  es.addEventListener("ok", clear);
  es.addEventListener("css", function () {
    clear();
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var href = links[i].href.replace(/([?&])_live=\d+/, "").replace(/[?&]$/, "");
      links[i].href = href + (href.indexOf("?") < 0 ? "?" : "&") + "_live=" + Date.now();
    }
  });
  es.addEventListener("problems", function (e) {
    try { show(JSON.parse(e.data)); } catch (err) { show([String(e.data)]); }
  });
})();
