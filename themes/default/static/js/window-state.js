// Keeps the state of a call or publicity window (未开始 / 公示中 / 已结束) true to
// the reader's clock, so that an old build never shows a closed window as open.
// A site served with a pinned clock (award serve -now) says so on <html
// data-clock="RFC 3339">: the state then follows that moment instead.
// Each element carries data-window-opens and data-window-closes (RFC 3339) and
// data-window-labels ("before,open,after"). Without JavaScript the state as of
// the build stays, next to the full dates.
(function () {
  "use strict";
  var loaded = Date.now();
  var pinned = Date.parse(document.documentElement.getAttribute("data-clock") || "");
  function update() {
    var now = isNaN(pinned) ? Date.now() : pinned + (Date.now() - loaded);
    var els = document.querySelectorAll("[data-window-opens][data-window-closes]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var opens = Date.parse(el.getAttribute("data-window-opens"));
      var closes = Date.parse(el.getAttribute("data-window-closes"));
      var labels = (el.getAttribute("data-window-labels") || "").split(",");
      if (isNaN(opens) || isNaN(closes) || labels.length !== 3) continue;
      var state = now < opens ? 0 : now < closes ? 1 : 2;
      el.textContent = labels[state];
      el.setAttribute("data-window-state", ["before", "open", "after"][state]);
    }
  }
  update();
  setInterval(update, 60000);
})();
