// Staged, resumable uploads: each chosen file starts uploading at once, on
// its own, to the intake's /api/uploads/ with the tus 1.0 resumable upload
// protocol (core, creation, termination), so that a dropped connection or a
// closed laptop resumes from the last byte the server has instead of
// starting over. The form post is then small: the text fields and, for each
// file, a hidden field staged=<upload id>. Our own small client; no library.
//
// Contract with the form (rendered by the intake):
//   form[data-uploads]        the endpoint (".../api/uploads/"), data-upload-kind
//                             (application | objection | supplement), data-upload-expiry
//                             (how long an upload is kept, in words: "24小时"),
//                             data-time-zone (the intake's, for the time an upload is kept to)
//   input[type=file]          each slot; its name is the upload's field
//   ul.staged-files[data-field=NAME]  rows of uploads staged before a refusal
//                             (li.staged-file[data-id] with an input name=staged);
//                             made here when missing
//   .upload-expiry            the hint on how long uploads are kept: shown here
// With form-checks.js on the form, a file is uploaded only once that script
// has read and checked it (event "award:checked", detail.problem): what the
// server would surely refuse is not sent at all. Without JavaScript the form
// posts its files in one multipart request, as before.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-uploads]");
  if (!forms.length || !window.XMLHttpRequest || !window.File || !Blob.prototype.slice) return;

  var TUS = "1.0.0";
  var DELAYS = [1, 2, 4, 8, 15]; // seconds between retries; then 15 s, unlimited
  var PARALLEL = 2;              // uploads sending at once (per page)
  // Each PATCH carries at most CHUNK bytes: a request cut off keeps what
  // arrived anyway, but a browser that only learns of a lost network between
  // requests (and DevTools' offline emulation, which lets a request under
  // way finish) then stops within one chunk.
  var CHUNK = 16 * 1048576;
  var STORE = "award-upload:";   // localStorage prefix: where each file's upload is

  function sizeText(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
    return n + " 字节";
  }
  function b64(s) {
    var bytes = new TextEncoder().encode(s), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }
  function absolute(u, base) {
    try { return new URL(u, base || location.href).href; } catch (e) { return u; }
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // The server's problem message (intake problem JSON), or "".
  function serverMessage(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      var e = body && body.error;
      if (e) {
        if (e.fields) for (var k in e.fields) if (e.fields[k]) return e.fields[k];
        return e.message || "";
      }
    } catch (err) { /* not JSON */ }
    return "";
  }
  // expiresText is an Upload-Expires date in the intake's time zone
  // (data-time-zone), e.g. "4月2日10:00"; "" if it cannot be said.
  function expiresText(h, zone) {
    var t = h ? new Date(h) : null;
    if (!t || isNaN(t.getTime()) || !zone || !window.Intl) return "";
    try {
      var parts = {}, list = new Intl.DateTimeFormat("en-US", { timeZone: zone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(t);
      for (var i = 0; i < list.length; i++) parts[list[i].type] = list[i].value;
      return parts.month + "月" + parts.day + "日" + parts.hour + ":" + parts.minute;
    } catch (e) { return ""; }
  }

  // Where a file's upload is, across reloads: keyed by the file and its slot.
  function remembered(key) {
    try { var v = JSON.parse(localStorage.getItem(STORE + key) || "null"); return v && v.url ? v : null; } catch (e) { return null; }
  }
  function remember(key, url) {
    try {
      localStorage.setItem(STORE + key, JSON.stringify({ url: url, at: Date.now() }));
      // Kept to the last 100 files: older uploads have expired anyway.
      var ours = [];
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k && k.indexOf(STORE) === 0) ours.push({ k: k, at: (JSON.parse(localStorage.getItem(k) || "{}") || {}).at || 0 });
      }
      ours.sort(function (a, b) { return a.at - b.at; });
      for (var j = 0; j < ours.length - 100; j++) localStorage.removeItem(ours[j].k);
    } catch (e) { /* private mode: no resume after reload */ }
  }
  function forget(key) {
    try { localStorage.removeItem(STORE + key); } catch (e) { /* as above */ }
  }

  // The queue of uploads waiting to send, shared by the page's forms.
  var sending = 0, queue = [];
  function next() {
    while (sending < PARALLEL && queue.length) {
      var u = queue.shift();
      if (u.state === "queued") { sending++; u.begin(); }
    }
  }

  // request sends one tus request; done(xhr) is called on any answer,
  // failed() on a network error.
  function request(method, url, headers, body, done, failed, progress) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("Tus-Resumable", TUS);
    for (var h in headers) xhr.setRequestHeader(h, headers[h]);
    if (progress && xhr.upload) xhr.upload.addEventListener("progress", progress);
    xhr.addEventListener("load", function () { done(xhr); });
    xhr.addEventListener("error", function () { failed(xhr); });
    xhr.addEventListener("timeout", function () { failed(xhr); });
    xhr.send(body || null);
    return xhr;
  }

  function setup(form) {
    var endpoint = absolute(form.getAttribute("data-uploads"));
    var kind = form.getAttribute("data-upload-kind") || "";
    var uploads = []; // this form's, in choosing order
    var waiting = false; // the person pressed submit while uploads were under way

    var hints = form.querySelectorAll(".upload-expiry");
    for (var i = 0; i < hints.length; i++) hints[i].hidden = false;

    function listFor(input) {
      var list = form.querySelector('ul.staged-files[data-field="' + input.name + '"]');
      if (list) return list;
      list = el("ul", "staged-files");
      list.setAttribute("data-field", input.name);
      list.setAttribute("aria-label", "已选择的文件");
      var anchor = input;
      for (var n = input.nextElementSibling; n && /^(P|SPAN)$/.test(n.tagName); n = n.nextElementSibling) anchor = n;
      anchor.parentNode.insertBefore(list, anchor.nextSibling);
      return list;
    }

    function Upload(file, input) {
      this.file = file;
      this.input = input;
      this.field = input.name;
      this.key = [kind, this.field, file.name, file.size, file.lastModified].join("|");
      this.url = "";
      this.offset = 0;
      this.attempt = 0;
      this.xhr = null;
      this.timer = 0;
      this.state = "checking"; // checking, queued, sending, paused, retrying, done, failed, cancelled
      this.row();
    }
    Upload.prototype.row = function () {
      var u = this, f = this.file;
      var li = el("li", "staged-file");
      li.setAttribute("data-field", this.field);
      li.setAttribute("data-state", "checking");
      var name = el("span", "staged-name", f.name);
      var size = el("span", "staged-size", "（" + sizeText(f.size) + "）");
      var bar = el("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", f.name + " 上传进度");
      var pct = el("span", "staged-percent", "0%");
      var status = el("span", "staged-status", "正在检查文件");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      var pause = el("button", "staged-pause", "暂停");
      pause.type = "button";
      pause.setAttribute("aria-label", "暂停上传 " + f.name);
      pause.hidden = true;
      var cancel = el("button", "staged-cancel", "取消");
      cancel.type = "button";
      cancel.setAttribute("aria-label", "取消上传 " + f.name);
      var line = el("span", "staged-line");
      line.appendChild(bar);
      line.appendChild(pct);
      var actions = el("span", "staged-actions");
      actions.appendChild(pause);
      actions.appendChild(cancel);
      li.appendChild(name);
      li.appendChild(size);
      li.appendChild(line);
      li.appendChild(status);
      li.appendChild(actions);
      listFor(this.input).appendChild(li);
      this.li = li; this.bar = bar; this.pct = pct; this.status = status; this.pauseBtn = pause; this.cancelBtn = cancel;
      pause.addEventListener("click", function () {
        if (u.state === "paused") u.resume(); else u.pause();
      });
      cancel.addEventListener("click", function () { u.cancel(); });
    };
    Upload.prototype.say = function (state, text) {
      this.state = state;
      this.li.setAttribute("data-state", state);
      if (this.status.textContent !== text) this.status.textContent = text;
      var busy = state === "queued" || state === "sending" || state === "retrying" || state === "paused";
      this.pauseBtn.hidden = !busy || state === "queued";
      this.pauseBtn.disabled = this.pauseBtn.hidden;
      this.pauseBtn.textContent = state === "paused" ? "继续" : "暂停";
      this.pauseBtn.setAttribute("aria-label", (state === "paused" ? "继续上传 " : "暂停上传 ") + this.file.name);
      this.li.classList.toggle("staged-error", state === "failed");
      changed();
    };
    Upload.prototype.shown = function (sent) {
      var p = this.file.size ? Math.floor(sent / this.file.size * 100) : 100;
      this.bar.value = p;
      this.pct.textContent = p + "%";
      progressChanged();
    };
    Upload.prototype.sent = function () {
      return this.state === "done" ? this.file.size : (this.live || this.offset);
    };
    // begin is called by the queue: find an earlier upload of this file
    // (a reload, a closed laptop), else create one.
    Upload.prototype.begin = function () {
      var u = this;
      u.say("sending", "正在上传");
      var old = u.url ? { url: u.url } : remembered(u.key);
      if (old) { u.url = old.url; u.head(); } else u.create();
    };
    Upload.prototype.create = function () {
      var u = this;
      var meta = "kind " + b64(kind) + ",field " + b64(u.field) + ",filename " + b64(u.file.name);
      if (u.file.type) meta += ",filetype " + b64(u.file.type);
      u.xhr = request("POST", endpoint, { "Upload-Length": String(u.file.size), "Upload-Metadata": meta }, null, function (xhr) {
        u.xhr = null;
        if (xhr.status === 201 && xhr.getResponseHeader("Location")) {
          u.url = absolute(xhr.getResponseHeader("Location"), endpoint);
          u.offset = 0;
          remember(u.key, u.url);
          u.patch();
        } else u.answer(xhr);
      }, function () { u.retry(); });
    };
    // head asks the server how much it has, then sends the rest.
    Upload.prototype.head = function () {
      var u = this;
      u.xhr = request("HEAD", u.url, {}, null, function (xhr) {
        u.xhr = null;
        var off = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
        var len = parseInt(xhr.getResponseHeader("Upload-Length"), 10);
        if (xhr.status === 200 && off >= 0 && len === u.file.size) {
          u.offset = off;
          u.shown(off);
          u.patch();
        } else if (xhr.status === 404 || xhr.status === 410 || xhr.status === 200 || xhr.status === 403) {
          // gone, expired or not this file's: start over
          forget(u.key);
          u.url = "";
          u.offset = 0;
          u.shown(0);
          u.create();
        } else u.answer(xhr);
      }, function () { u.retry(); });
    };
    Upload.prototype.patch = function () {
      var u = this;
      if (u.offset >= u.file.size) { u.finish(null); return; }
      var from = u.offset;
      u.live = from;
      u.xhr = request("PATCH", u.url, { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(from) },
        u.file.slice(from, Math.min(from + CHUNK, u.file.size)), function (xhr) {
          u.xhr = null;
          var off = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
          if (xhr.status === 204 && off >= 0) {
            u.offset = off;
            u.live = 0;
            if (off > from) u.attempt = 0;
            u.shown(off);
            if (off >= u.file.size) u.finish(xhr);
            else u.patch();
          } else if (xhr.status === 409) {
            u.head(); // the server has another offset: ask it
          } else u.answer(xhr);
        }, function () { u.live = 0; u.retry(); }, function (e) {
          if (u.state !== "sending" && u.state !== "retrying") return;
          u.live = from + e.loaded;
          if (u.state === "retrying") u.say("sending", "正在上传");
          u.shown(from + e.loaded);
        });
    };
    Upload.prototype.finish = function (xhr) {
      sending--;
      var id = this.url.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop();
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = "staged";
      hidden.value = id;
      this.li.appendChild(hidden);
      this.li.setAttribute("data-id", id);
      this.li.setAttribute("data-size", String(this.file.size));
      this.bar.value = 100;
      this.pct.textContent = "100%";
      var until = xhr ? expiresText(xhr.getResponseHeader("Upload-Expires"), form.getAttribute("data-time-zone")) : "";
      this.say("done", "已上传完成" + (until ? "（保留至" + until + "）" : "") + "，提交时一并提交");
      this.cancelBtn.textContent = "移除";
      this.cancelBtn.setAttribute("aria-label", "移除 " + this.file.name);
      next();
      allDone();
    };
    // answer handles a refusal or a server error.
    Upload.prototype.answer = function (xhr) {
      var s = xhr.status;
      if (s >= 500 || s === 429 || s === 408 || s === 0) {
        var after = parseInt(xhr.getResponseHeader("Retry-After"), 10);
        this.retry(after > 0 ? after : 0);
        return;
      }
      if (!this.url && (s === 404 || s === 405 || s === 501)) {
        this.fail("此处暂不能分别上传文件，请重新选择该文件，随表单一并提交。");
        return;
      }
      forget(this.key); // refused: the next choice of this file starts afresh
      var msg = serverMessage(xhr);
      this.fail(msg || "文件“" + this.file.name + "”未能上传（" + s + "），请重新选择。");
    };
    Upload.prototype.fail = function (msg) {
      if (this.state === "sending" || this.state === "retrying") sending--;
      clearTimeout(this.timer);
      this.say("failed", msg);
      this.pauseBtn.hidden = true;
      this.cancelBtn.textContent = "移除";
      this.cancelBtn.setAttribute("aria-label", "移除 " + this.file.name);
      next();
      if (waiting) stopWaiting("有文件未能上传，请查看各文件下方的提示，处理后再提交。");
    };
    // retry waits (1, 2, 4, 8, 15 s…; for the network to come back when
    // the browser knows it is offline), then asks the server where it is.
    Upload.prototype.retry = function (seconds) {
      var u = this;
      if (u.state !== "sending" && u.state !== "retrying") return;
      var d = seconds || DELAYS[Math.min(u.attempt, DELAYS.length - 1)];
      u.attempt++;
      var offline = navigator.onLine === false;
      u.say("retrying", offline ? "网络已断开，恢复后将自动继续上传（已上传的部分不会丢失）" :
        "网络不稳定，" + d + "秒后自动重试（已上传的部分不会丢失）");
      var go = function () {
        window.removeEventListener("online", go);
        clearTimeout(u.timer);
        if (u.state !== "retrying") return;
        u.say("sending", "正在继续上传");
        if (u.url) u.head(); else u.create();
      };
      if (offline) window.addEventListener("online", go);
      u.timer = setTimeout(go, (offline ? 15 : d) * 1000);
    };
    Upload.prototype.pause = function () {
      if (this.state !== "sending" && this.state !== "retrying") return;
      clearTimeout(this.timer);
      if (this.xhr) { var x = this.xhr; this.xhr = null; x.abort(); }
      sending--;
      this.live = 0;
      this.say("paused", "已暂停，点击“继续”从中断处接着上传");
      next();
      if (waiting) stopWaiting("有文件暂停上传，请继续上传完成后再提交。");
    };
    Upload.prototype.resume = function () {
      if (this.state !== "paused") return;
      this.attempt = 0;
      this.state = "queued";
      this.say("queued", "等待上传");
      queue.push(this);
      next();
    };
    Upload.prototype.cancel = function () {
      var u = this;
      clearTimeout(u.timer);
      if (u.xhr) { var x = u.xhr; u.xhr = null; x.abort(); }
      if (u.state === "sending" || u.state === "retrying") sending--;
      var wasDone = u.state === "done";
      u.state = "cancelled";
      if (u.url) request("DELETE", u.url, {}, null, function () {}, function () {});
      forget(u.key);
      var list = u.li.parentNode, focus = nextFocus(u.li);
      list.removeChild(u.li);
      uploads.splice(uploads.indexOf(u), 1);
      announce((wasDone ? "已移除 " : "已取消上传 ") + u.file.name);
      if (focus) focus.focus();
      next();
      changed();
      allDone();
    };

    // After a row is removed the focus goes to the next row's button, or
    // the slot's file field.
    function nextFocus(li) {
      var n = li.nextElementSibling || li.previousElementSibling;
      var b = n && n.querySelector("button:not([hidden])");
      if (b) return b;
      var list = li.parentNode, name = list && list.getAttribute("data-field");
      return name ? form.querySelector('input[type=file][name="' + name + '"]') : null;
    }

    // One live region per form for what no row says any more.
    var said = el("p", "staged-announce visually-hidden");
    said.setAttribute("role", "status");
    said.setAttribute("aria-live", "polite");
    form.appendChild(said);
    function announce(text) { said.textContent = text; }

    // Rows the server listed after a refusal: a 移除 button each.
    function keptRow(li) {
      var id = li.getAttribute("data-id");
      var nameEl = li.querySelector(".staged-name");
      var name = nameEl ? nameEl.textContent : id;
      var b = el("button", "staged-cancel", "移除");
      b.type = "button";
      b.setAttribute("aria-label", "移除 " + name);
      var actions = el("span", "staged-actions");
      actions.appendChild(b);
      li.appendChild(actions);
      b.addEventListener("click", function () {
        request("DELETE", absolute(id, endpoint), {}, null, function () {}, function () {});
        var focus = nextFocus(li);
        li.parentNode.removeChild(li);
        announce("已移除 " + name);
        if (focus) focus.focus();
        changed();
      });
    }
    var rows = form.querySelectorAll("li.staged-file[data-id]");
    for (var r = 0; r < rows.length; r++) keptRow(rows[r]);

    // Choosing files: each starts uploading (after form-checks.js has
    // checked them, when it is on the form), and the field is emptied so
    // that the form post does not carry the file again.
    // A row appears as soon as files are chosen (so that nothing moves under
    // a finger about to press 提交), "checking" until form-checks.js has read
    // them; then each starts uploading, or the rows go if the check refused
    // the choice (its message is shown at the field).
    var checking = {}; // input name → uploads waiting for the check
    function drop(list) {
      for (var i = 0; i < list.length; i++) {
        var u = list[i];
        if (u.state !== "checking") continue;
        u.state = "cancelled";
        if (u.li.parentNode) u.li.parentNode.removeChild(u.li);
        uploads.splice(uploads.indexOf(u), 1);
      }
    }
    function choose(input) {
      drop(checking[input.name] || []);
      checking[input.name] = [];
      var files = input.files;
      if (!files || !files.length) { changed(); return; }
      for (var i = 0; i < files.length; i++) {
        var f = files[i], dup = false;
        for (var j = uploads.length - 1; j >= 0; j--) {
          var o = uploads[j];
          if (o.field !== input.name || o.file.name !== f.name || o.file.size !== f.size || o.file.lastModified !== f.lastModified) continue;
          if (o.state === "failed") { o.li.parentNode.removeChild(o.li); uploads.splice(j, 1); } // chosen again: try again
          else dup = true;
        }
        if (dup) { announce("“" + f.name + "”已经选择过，不再重复上传"); continue; }
        var u = new Upload(f, input);
        uploads.push(u);
        checking[input.name].push(u);
      }
      changed();
    }
    function take(input, problem) {
      var list = checking[input.name] || [];
      checking[input.name] = [];
      if (problem) {
        drop(list);
        changed();
        allDone();
        return;
      }
      var any = false;
      for (var i = 0; i < list.length; i++) {
        if (list[i].state !== "checking") continue;
        list[i].say("queued", "等待上传");
        queue.push(list[i]);
        any = true;
      }
      if (any) input.value = "";
      next();
    }
    var inputs = form.querySelectorAll("input[type=file]");
    var checked = form.hasAttribute("data-checks-on");
    for (var k = 0; k < inputs.length; k++) {
      (function (input) {
        var waits = checked && input.hasAttribute("data-kinds");
        input.addEventListener("change", function () {
          choose(input);
          if (!waits) take(input, "");
        });
        if (waits) input.addEventListener("award:checked", function (ev) { take(input, ev.detail && ev.detail.problem); });
      })(inputs[k]);
    }

    // The submit waits for uploads under way: it says so, shows how far
    // they are in the form's progress box, and sends once all are done.
    var box = form.querySelector(".upload-progress");
    var boxBar = box && box.querySelector("progress");
    var boxPct = box && box.querySelector(".upload-percent");
    var boxCancel = box && box.querySelector(".upload-cancel");
    var note = el("p", "staged-wait");
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    note.id = "staged-wait-" + (kind || "form");
    note.hidden = true;
    var submitBtn = form.querySelector("button[type=submit], input[type=submit]");
    var submitLine = submitBtn ? submitBtn.parentNode : null;
    if (submitLine && submitLine.parentNode) submitLine.parentNode.insertBefore(note, submitLine);
    else form.appendChild(note);

    function busy() {
      for (var i = 0; i < uploads.length; i++) {
        var s = uploads[i].state;
        if (s === "checking" || s === "queued" || s === "sending" || s === "retrying" || s === "paused") return true;
      }
      return false;
    }
    function progressChanged() {
      if (!waiting || !boxBar) return;
      var total = 0, sent = 0;
      for (var i = 0; i < uploads.length; i++) {
        if (uploads[i].state === "failed") continue;
        total += uploads[i].file.size;
        sent += Math.min(uploads[i].sent(), uploads[i].file.size);
      }
      var p = total ? Math.floor(sent / total * 100) : 100;
      boxBar.value = p;
      boxPct.textContent = "文件上传 " + p + "%（已上传 " + (sent / 1048576).toFixed(1) + " MB，共 " + (total / 1048576).toFixed(1) + " MB）";
    }
    function changed() {
      form.dispatchEvent(new CustomEvent("award:staged"));
    }
    function stopWaiting(msg) {
      waiting = false;
      if (box) box.hidden = true;
      note.textContent = msg;
      note.hidden = !msg;
    }
    function allDone() {
      if (!waiting || busy()) return;
      waiting = false;
      note.textContent = "文件已全部上传，正在提交……";
      if (box) box.hidden = true;
      if (form.requestSubmit) form.requestSubmit(submitBtn || undefined);
      else form.submit();
    }
    if (boxCancel) {
      boxCancel.addEventListener("click", function () {
        if (waiting) stopWaiting("已取消自动提交。文件仍在上传，上传完成后请再点击提交。");
      });
    }
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented || !busy()) {
        if (!ev.defaultPrevented) note.hidden = true;
        return;
      }
      ev.preventDefault();
      var paused = false;
      for (var i = 0; i < uploads.length; i++) if (uploads[i].state === "paused") paused = true;
      if (paused) {
        stopWaiting("还有文件正在上传，请等待上传完成后再提交：有文件已暂停，请点击该文件的“继续”。");
        return;
      }
      waiting = true;
      note.textContent = "还有文件正在上传，请等待上传完成后再提交。全部上传完成后将自动提交，无需再次点击。";
      note.hidden = false;
      if (box) box.hidden = false;
      progressChanged();
    });
  }

  for (var i = 0; i < forms.length; i++) setup(forms[i]);
})();
