// Checks a form in the browser the way the intake checks it on receipt, so
// that a mistake is pointed out before a large upload starts: ID-number and
// credit-code check characters (GB 11643, GB 32100), and each file's type
// (from its first bytes, not its name), size, count and the total. The
// messages are the server's own. The server checks everything again; this
// script only refuses what the server would surely refuse.
//
// Contract with the form (rendered by the intake):
//   form[data-checks]            data-max-request (bytes), data-max-request-size (text)
//   input[data-check=id-number]  an ID number; input[data-check=credit-code] a credit code;
//                                data-check-when="NAME=VALUE" checks it only while that radio is chosen
//   input[type=file][data-kinds] data-kinds (signature families: pdf jpeg png tiff heic zip ole),
//                                data-types (names for people), data-max-bytes, data-max-size, data-max-files
// A file field carries data-checked (a count) once its chosen files have been
// read and checked. A field's error is shown after its hints; on submit an error summary like
// the server's takes the focus and links to each field.
(function () {
  "use strict";
  var form = document.querySelector("form[data-checks]");
  if (!form || !window.WeakMap) return;

  var CN = "〇一二三四五六七八九十";
  function countCN(n) { return n >= 0 && n <= 10 ? CN.charAt(n) : "多"; }

  // Normalising as the server does: no spaces, full-width letters and
  // digits folded, upper case.
  function normalize(s) {
    s = s.replace(/\s+/g, "");
    s = s.replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
    return s.toUpperCase();
  }
  function byteLength(s) { return window.TextEncoder ? new TextEncoder().encode(s).length : s.length; }

  // GB 11643-1999: weights of positions 1–17 and the check characters.
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var ID_CHECK = "10X98765432";
  function checkIDNumber(s) {
    if (byteLength(s) !== 18) return "身份证号码应为18位，请核对";
    var sum = 0;
    for (var i = 0; i < 17; i++) {
      var c = s.charCodeAt(i);
      if (c < 48 || c > 57) return "身份证号码前17位应为数字，请核对";
      sum += (c - 48) * ID_WEIGHTS[i];
    }
    var y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
    var birth = new Date(y, m - 1, d);
    var today = new Date();
    if (m < 1 || m > 12 || d < 1 || birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d ||
        y < 1880 || birth > today) {
      return "身份证号码中的出生日期（第7至14位）无效，请核对";
    }
    if (ID_CHECK.charAt(sum % 11) !== s.charAt(17)) return "身份证号码校验位（最后一位）不正确，请核对";
    return "";
  }

  // GB 32100-2015: the alphabet in value order and the weights 3^(i-1) mod 31.
  var CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function checkCreditCode(s) {
    if (byteLength(s) !== 18) return "统一社会信用代码应为18位，请对照营业执照或登记证书核对";
    var sum = 0;
    for (var i = 0; i < 18; i++) {
      var v = CREDIT_ALPHABET.indexOf(s.charAt(i));
      if (v < 0) return "统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z），请核对第" + (i + 1) + "位";
      if (i < 17) sum += v * CREDIT_WEIGHTS[i];
      else if (CREDIT_ALPHABET.charAt((31 - sum % 31) % 31) !== s.charAt(17)) {
        return "统一社会信用代码校验位不正确，请对照营业执照或登记证书逐位核对";
      }
    }
    return "";
  }

  // The first bytes of each family the server recognises.
  function startsWith(b, sig, at) {
    at = at || 0;
    if (b.length < at + sig.length) return false;
    for (var i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
    return true;
  }
  function ascii(s) { var a = []; for (var i = 0; i < s.length; i++) a.push(s.charCodeAt(i)); return a; }
  var FAMILIES = {
    pdf: function (b) {
      return startsWith(b, ascii("%PDF-")) || startsWith(b, ascii("\n%PDF-")) || startsWith(b, [0xEF, 0xBB, 0xBF].concat(ascii("%PDF-")));
    },
    jpeg: function (b) { return startsWith(b, [0xFF, 0xD8, 0xFF]); },
    png: function (b) { return startsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]); },
    tiff: function (b) { return startsWith(b, [0x49, 0x49, 0x2A, 0x00]) || startsWith(b, [0x4D, 0x4D, 0x00, 0x2A]); },
    heic: function (b) { return startsWith(b, ascii("ftyp"), 4); },
    zip: function (b) {
      return b.length > 3 && b[0] === 0x50 && b[1] === 0x4B && (b[2] === 3 || b[2] === 5 || b[2] === 7) && (b[3] === 4 || b[3] === 6 || b[3] === 8);
    },
    ole: function (b) { return startsWith(b, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]); }
  };

  // heads holds the first bytes of each chosen file, read when it is chosen.
  var heads = new WeakMap();
  function readHeads(input, then) {
    var files = input.files || [], left = files.length;
    if (!left || !window.Blob || !Blob.prototype.arrayBuffer) { then(); return; }
    for (var i = 0; i < files.length; i++) {
      (function (f) {
        f.slice(0, 16).arrayBuffer().then(function (buf) {
          heads.set(f, new Uint8Array(buf));
        }, function () { /* unreadable here: the server decides */ }).then(function () {
          if (--left === 0) then();
        });
      })(files[i]);
    }
  }

  function fileProblem(input) {
    var files = input.files || [];
    var maxFiles = +input.getAttribute("data-max-files") || 0;
    if (maxFiles && files.length > maxFiles) return "最多" + maxFiles + "个文件";
    var kinds = (input.getAttribute("data-kinds") || "").split(" ");
    var maxBytes = +input.getAttribute("data-max-bytes") || 0;
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      if (f.size === 0) return "文件“" + f.name + "”是空文件，请选择正确的文件。";
      var head = heads.get(f);
      if (head && head.length && kinds[0]) {
        var known = false;
        for (var k = 0; k < kinds.length && !known; k++) known = FAMILIES[kinds[k]] ? FAMILIES[kinds[k]](head) : true;
        if (!known) return "“" + f.name + "”不是可接受的格式（" + input.getAttribute("data-types") + "）";
      }
      if (maxBytes && f.size > maxBytes) return "“" + f.name + "”超过" + input.getAttribute("data-max-size");
    }
    return "";
  }

  function applies(input) {
    var when = input.getAttribute("data-check-when");
    if (!when) return true;
    var eq = when.indexOf("=");
    var chosen = form.querySelector("input[name='" + when.slice(0, eq) + "']:checked");
    return !!chosen && chosen.value === when.slice(eq + 1);
  }

  function problemOf(input) {
    if (input.type === "file") return fileProblem(input);
    var value = normalize(input.value);
    if (!value || !applies(input)) return "";
    var kind = input.getAttribute("data-check");
    if (kind === "id-number") { var e = checkIDNumber(value); return e ? e + "。" : ""; }
    if (kind === "credit-code") { var c = checkCreditCode(value); return c ? c + "。" : ""; }
    return "";
  }

  // show puts a field's message after its hints (replacing any earlier one,
  // the server's included) and marks the field; an empty message clears it.
  function show(input, msg) {
    var anchor = input;
    for (var n = input.nextElementSibling; n && /^(P|SPAN)$/.test(n.tagName); ) {
      var next = n.nextElementSibling;
      if (n.classList.contains("field-error")) n.parentNode.removeChild(n);
      else anchor = n;
      n = next;
    }
    var id = "c-" + input.name;
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (msg) {
      var p = document.createElement("p");
      p.className = "field-error";
      p.id = id;
      p.textContent = msg;
      anchor.parentNode.insertBefore(p, anchor.nextSibling);
      described.push(id);
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  var checked = form.querySelectorAll("input[data-check], input[type=file][data-kinds]");
  for (var i = 0; i < checked.length; i++) {
    (function (input) {
      input.addEventListener("change", function () {
        if (input.type === "file") {
          readHeads(input, function () {
            show(input, problemOf(input));
            input.setAttribute("data-checked", String(+(input.getAttribute("data-checked") || 0) + 1));
          });
        }
        else show(input, problemOf(input));
      });
    })(checked[i]);
  }

  function summarise(problems) {
    var old = document.getElementById("error-summary");
    if (old) old.parentNode.removeChild(old);
    var box = document.createElement("div");
    box.className = "error-summary";
    box.id = "error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var h = document.createElement("h2");
    h.textContent = "提交的内容有" + countCN(problems.length) + "处需要修改，请按提示改正后重新提交。";
    box.appendChild(h);
    var ul = document.createElement("ul");
    for (var i = 0; i < problems.length; i++) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + problems[i].input.id;
      a.textContent = problems[i].msg;
      li.appendChild(a);
      ul.appendChild(li);
    }
    box.appendChild(ul);
    var h1 = document.querySelector("main h1");
    if (h1) h1.parentNode.insertBefore(box, h1.nextSibling);
    else form.parentNode.insertBefore(box, form);
    box.focus();
  }

  form.addEventListener("submit", function (ev) {
    var problems = [], total = 0, firstFile = null;
    for (var i = 0; i < checked.length; i++) {
      var input = checked[i], msg = problemOf(input);
      show(input, msg);
      if (msg) problems.push({ input: input, msg: msg });
      if (input.type === "file") {
        firstFile = firstFile || input;
        for (var j = 0; j < (input.files || []).length; j++) total += input.files[j].size;
      }
    }
    var maxRequest = +form.getAttribute("data-max-request") || 0;
    if (maxRequest && firstFile && total > maxRequest) {
      problems.push({ input: firstFile, msg: "提交的内容合计超过" + form.getAttribute("data-max-request-size") + "的上限，请压缩文件或分次提交。" });
    }
    if (problems.length) {
      ev.preventDefault();
      summarise(problems);
    }
  });
})();
