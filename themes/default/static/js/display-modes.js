// 适老化 display modes, independent of the browser's settings, toggled by the
// header's buttons and remembered across pages (the intake's included) in
// localStorage under "award-display-" + the mode's name:
//
//   large-text     larger text and more space (CSS, html.large-text)
//   high-contrast  black, white and yellow (CSS, html.high-contrast)
//   large-cursor   a large pointer and hand (CSS, html.large-cursor)
//   speech         语音朗读: reads the page's article (else its main part)
//                  aloud with the browser's own speech synthesis
//                  (window.speechSynthesis; nothing is sent anywhere);
//                  switching it on starts reading, off stops it, and while
//                  it is on every page opened starts reading by itself.
//
// The buttons are hidden until this script runs (the <html> element carries
// "no-js"; this script swaps it for "js"), so that without JavaScript there
// are no buttons that do nothing; the speech button stays hidden where the
// browser has no speech synthesis.
(function () {
  "use strict";
  var root = document.documentElement;
  var modes = ["large-text", "high-contrast", "large-cursor", "speech"];
  var KEY = "award-display-";
  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && typeof synth.speak === "function" && window.SpeechSynthesisUtterance);
  function load(mode) {
    try { return window.localStorage.getItem(KEY + mode) === "on"; } catch (e) { return false; }
  }
  function save(mode, on) {
    try {
      if (on) window.localStorage.setItem(KEY + mode, "on");
      else window.localStorage.removeItem(KEY + mode);
    } catch (e) { /* storage unavailable: the mode lasts for this page only */ }
  }

  // The text to read: the article (title and body) or, on pages without
  // one, the main part; hidden parts and scripts are left out.
  function pageText() {
    var el = document.querySelector("main article") || document.querySelector("main");
    if (!el) return "";
    return (el.innerText || el.textContent || "").replace(/[ \t\u00a0]+/g, " ").trim();
  }
  // pieces cuts text at sentence ends and line breaks into utterances short
  // enough for every engine (some stop a single long utterance after ~15 s).
  function pieces(text) {
    // (No lookbehind: older phones' browsers, Safari before 16.4 among
    // them, would refuse the whole script for it.)
    var out = [], parts = text.replace(/([。！？；!?;])/g, "$1\n").split(/\n+/);
    for (var i = 0; i < parts.length; i++) {
      var p = (parts[i] || "").trim();
      while (p.length > 200) { out.push(p.slice(0, 200)); p = p.slice(200); }
      if (p) out.push(p);
    }
    return out;
  }
  function speak() {
    if (!canSpeak) return;
    synth.cancel();
    var list = pieces(pageText());
    for (var i = 0; i < list.length; i++) {
      var u = new window.SpeechSynthesisUtterance(list[i]);
      u.lang = root.getAttribute("lang") || "zh-CN";
      u.rate = 0.9;
      synth.speak(u);
    }
  }
  function silence() { if (canSpeak) synth.cancel(); }

  function apply(mode, on) {
    if (mode !== "speech") root.classList.toggle(mode, on);
    var buttons = document.querySelectorAll("button[data-mode='" + mode + "']");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  root.classList.remove("no-js");
  root.classList.add("js");
  var speechButtons = document.querySelectorAll("button[data-mode='speech']");
  for (var b = 0; b < speechButtons.length; b++) {
    if (canSpeak) speechButtons[b].removeAttribute("hidden");
    else speechButtons[b].parentNode.removeChild(speechButtons[b]);
  }
  for (var i = 0; i < modes.length; i++) {
    apply(modes[i], load(modes[i]) && (modes[i] !== "speech" || canSpeak));
  }
  if (canSpeak && load("speech")) {
    if (document.readyState === "complete") speak();
    else window.addEventListener("load", speak);
  }
  // Leaving the page ends its reading (the next page starts its own).
  window.addEventListener("pagehide", silence);
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var btn = t && t.closest ? t.closest("button[data-mode]") : null;
    if (!btn) return;
    var mode = btn.getAttribute("data-mode");
    if (modes.indexOf(mode) < 0) return;
    var on = btn.getAttribute("aria-pressed") !== "true";
    apply(mode, on);
    save(mode, on);
    if (mode === "speech") {
      if (on) speak(); else silence();
    }
  });
})();
