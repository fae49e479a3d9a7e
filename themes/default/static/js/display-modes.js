// 适老化 display modes: a large-text mode and a high-contrast mode, independent
// of the browser's settings, toggled by the header's two buttons and
// remembered across pages in localStorage. The buttons are hidden until this
// script runs (the <html> element carries "no-js"; this script swaps it for
// "js"), so that without JavaScript there are no buttons that do nothing.
(function () {
  "use strict";
  var root = document.documentElement;
  var modes = ["large-text", "high-contrast"];
  var KEY = "award-display-";
  function load(mode) {
    try { return window.localStorage.getItem(KEY + mode) === "on"; } catch (e) { return false; }
  }
  function save(mode, on) {
    try {
      if (on) window.localStorage.setItem(KEY + mode, "on");
      else window.localStorage.removeItem(KEY + mode);
    } catch (e) { /* storage unavailable: the mode lasts for this page only */ }
  }
  function apply(mode, on) {
    root.classList.toggle(mode, on);
    var buttons = document.querySelectorAll("button[data-mode='" + mode + "']");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  root.classList.remove("no-js");
  root.classList.add("js");
  for (var i = 0; i < modes.length; i++) {
    apply(modes[i], load(modes[i]));
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var btn = t && t.closest ? t.closest("button[data-mode]") : null;
    if (!btn) return;
    var mode = btn.getAttribute("data-mode");
    if (modes.indexOf(mode) < 0) return;
    var on = btn.getAttribute("aria-pressed") !== "true";
    apply(mode, on);
    save(mode, on);
  });
})();
