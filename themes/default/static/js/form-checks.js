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
// read and checked, and then gets the event "award:checked" (detail.problem:
// the message, or ""), on which staged-uploads.js starts uploading. Files
// already uploaded (li.staged-file rows of that script or of the server)
// count for the slot. A field's error is shown after its hints; on submit an
// error summary like the server's takes the focus and links to each field.
//
// Before sending, the application form (form[data-form=application]) is
// checked as the intake checks it: required fields and slots, the
// organisation's age on the call's closing date (data-closing, "2026-04-30"),
// 卓越绩效 ≥ 1 year, and internal publicity ≥ 5 working days on the holiday
// calendar that the build publishes (data-calendar: calendar.json); dates
// after today (data-today, the server's, or the browser's if later) are
// refused; slot inputs carry data-label and, for the 专精特新“小巨人”
// certificate, data-claim=littleGiant; declarations carry data-declaration.
// The objection form (form[data-form=objection]): at least one evidence file
// and the consent.
(function () {
  "use strict";
  var form = document.querySelector("form[data-checks]");
  if (!form || !window.WeakMap) return;
  form.setAttribute("data-checks-on", ""); // staged-uploads.js waits for our checks

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
    if (ID_CHECK.charAt(sum % 11) !== s.charAt(17)) return "身份证号码有误，请对照身份证逐位核对";
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

  // staged counts the files of a slot that are uploaded or uploading
  // (staged-uploads.js), not those that failed or are still being checked
  // (those are the field's chosen files).
  function staged(input) {
    var rows = form.querySelectorAll("li.staged-file"), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var st = rows[i].getAttribute("data-state");
      if (rows[i].getAttribute("data-field") === input.name && st !== "failed" && st !== "checking") n++;
    }
    return n;
  }

  function fileProblem(input) {
    var files = input.files || [];
    var maxFiles = +input.getAttribute("data-max-files") || 0;
    if (maxFiles && files.length && files.length + staged(input) > maxFiles) return "最多" + maxFiles + "个文件";
    var kinds = (input.getAttribute("data-kinds") || "").split(" ");
    var maxBytes = +input.getAttribute("data-max-bytes") || 0;
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      if (f.size === 0) return "文件“" + f.name + "”是空文件，请选择正确的文件。";
      var head = heads.get(f);
      if (head && head.length && kinds[0]) {
        var known = false;
        for (var k = 0; k < kinds.length && !known; k++) known = FAMILIES[kinds[k]] ? FAMILIES[kinds[k]](head) : true;
        if (!known) {
          // Said as the server says it (intake refusedTypeText): a name
          // ending as an accepted type's promises that type.
          var ext = (/\.([^.]+)$/.exec(f.name) || ["", ""])[1].toLowerCase();
          if (ext && ("," + (input.getAttribute("accept") || "").toLowerCase() + ",").indexOf(",." + ext + ",") >= 0) {
            return "“" + f.name + "”：文件内容不是" + ext.toUpperCase() + "（可能改过扩展名或已损坏），请换用正确的文件。";
          }
          return "“" + f.name + "”不是可接受的格式（" + input.getAttribute("data-types") + "）";
        }
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
    var anchor = input.parentNode.tagName === "LABEL" ? input.parentNode : input;
    for (var n = anchor.nextElementSibling; n && /^(P|SPAN)$/.test(n.tagName); ) {
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
            var msg = problemOf(input);
            show(input, msg);
            input.setAttribute("data-checked", String(+(input.getAttribute("data-checked") || 0) + 1));
            if (window.CustomEvent) input.dispatchEvent(new CustomEvent("award:checked", { detail: { problem: msg } }));
          });
        }
        else show(input, problemOf(input));
      });
    })(checked[i]);
  }

  // The rules of the whole form, as the intake applies them on receipt:
  // each returns a field's message or "".
  var kind = form.getAttribute("data-form") || "";
  function field(name) { return form.elements[name]; }
  function value(name) { var e = field(name); return e && e.value != null ? String(e.value).trim() : ""; }
  function runes(str) { return Array.from ? Array.from(str).length : str.length; }
  function ticked(name) { var e = field(name); return !!e && !!e.checked; }
  function filesIn(input) { return (input.files ? input.files.length : 0) + staged(input); }

  // Dates as the intake reads them: "2026-03-16", a real day.
  function parseDate(str) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str);
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3], t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
    return { y: y, m: mo, d: d, t: t };
  }
  function iso(t) { return t.toISOString().slice(0, 10); }
  function chinese(d) { return d.y + "年" + d.m + "月" + d.d + "日"; }
  // today is the later of the server's today and the browser's: a date is
  // refused as "after today" only when it surely is.
  function today() {
    var n = new Date(), mine = n.getFullYear() + "-" + ("0" + (n.getMonth() + 1)).slice(-2) + "-" + ("0" + n.getDate()).slice(-2);
    var server = form.getAttribute("data-today") || "";
    return server > mine ? server : mine;
  }
  function after(d, day) { return iso(d.t) > day; }
  // age is the whole years and months from since to at (the intake's age).
  function age(since, at) {
    var m = (at.y - since.y) * 12 + at.m - since.m;
    if (at.d < since.d) m--;
    if (m < 0) return [0, 0];
    return [Math.floor(m / 12), m % 12];
  }

  // The holiday calendar (workday.Published), loaded once.
  var calendar = null;
  var calURL = form.getAttribute("data-calendar");
  if (calURL && window.fetch) {
    fetch(calURL, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) { if (c && c.version === 1) calendar = c; }, function () { /* the intake counts */ });
  }
  function notCovered(year) {
    var f = calendar.first, l = calendar.last;
    if (year > l) {
      return year + "年的节假日安排尚未载入（目前只有" + f + "年至" + l + "年），无法计算工作日。请在国务院办公厅发布《关于" + year +
        "年部分节假日安排的通知》后，把" + year + "年的放假和调休日期加入 holidays.yaml";
    }
    return year + "年的节假日安排没有载入（目前只有" + f + "年至" + l + "年），无法计算工作日。请把" + year + "年的放假和调休日期加入 holidays.yaml";
  }
  // workingDays counts from..to, both included, or returns the message.
  function workingDays(from, to) {
    if (from.y < calendar.first || from.y > calendar.last) return notCovered(from.y);
    if (to.y < calendar.first || to.y > calendar.last) return notCovered(to.y);
    var makeup = {}, n = 0;
    for (var i = 0; i < calendar.workdays.length; i++) makeup[calendar.workdays[i]] = true;
    for (var t = new Date(from.t.getTime()); t <= to.t; t.setUTCDate(t.getUTCDate() + 1)) {
      var day = iso(t), wd = t.getUTCDay();
      if (makeup[day] || !calendar.holidays[day] && wd !== 0 && wd !== 6) n++;
    }
    return n;
  }

  function normalizePhone(p) {
    p = p.trim().replace(/[ \u3000（）()]/g, "").replace(/[－—]/g, "-");
    if (p.indexOf("+86") === 0) p = p.slice(3);
    if (p.indexOf("86-") === 0) p = p.slice(3);
    return p;
  }
  function phoneProblem(empty) {
    var p = normalizePhone(field("phone") ? field("phone").value : "");
    if (!p) return empty;
    if (!/^1[3-9][0-9]{9}$/.test(p) && !/^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$/.test(p)) {
      return "电话号码格式不正确：请填写11位手机号码，或带区号的固定电话，如 0371-62196035。";
    }
    return "";
  }
  // surelyBadEmail: what the intake's address check always refuses.
  function surelyBadEmail(e) {
    if (!e || byteLength(e) > 100) return true;
    if (!/^[^\s@<>(),;:"\[\]\\]+@[^\s@<>(),;:"\[\]\\]+$/.test(e)) return true;
    return e.slice(e.lastIndexOf("@") + 1).indexOf(".") < 0;
  }
  function between(name, min, max, msg) {
    var n = runes(value(name));
    return n < min || n > max ? msg : "";
  }
  function choice(name, msg) {
    var e = field(name);
    if (!e || !e.value) return msg;
    if (e.tagName === "SELECT") {
      for (var i = 0; i < e.options.length; i++) if (e.options[i].value === e.value && e.value) return "";
      return msg;
    }
    return "";
  }
  function dateOf(name, msg) {
    var d = parseDate(value(name));
    return !d || after(d, today()) ? msg : "";
  }

  // applicationRules returns the application's problems: [{input, msg}],
  // the eligibility problems instead of the others when there are any (as
  // the intake answers), and the labels of missing slots.
  function applicationRules() {
    var errs = {}, order = [], names = [];
    function put(name, msg) {
      if (names.indexOf(name) < 0) names.push(name);
      if (msg && !errs[name]) { errs[name] = msg; order.push(name); }
    }
    put("orgName", between("orgName", 2, 100, "请填写组织全称（与营业执照或登记证书一致，2至100个字）。"));
    put("creditCode", normalize(value("creditCode")) ? "" : "请填写统一社会信用代码。");
    put("orgKind", choice("orgKind", "请选择组织类型：企业、事业单位、社会组织或其他组织。"));
    put("established", dateOf("established", "请填写成立日期（营业执照上的成立日期），如 2018-05-20。"));
    var lg = value("littleGiant");
    put("littleGiant", lg !== "yes" && lg !== "no" ? "请选择是否为专精特新“小巨人”企业。" : "");
    put("industry", between("industry", 2, 50, "请填写所属行业（2至50个字）。"));
    put("township", choice("township", "请从列表中选择所在乡镇（街道）。"));
    put("address", between("address", 5, 200, "请填写详细地址（5至200个字）。"));
    put("recommender", between("recommender", 2, 50, "请填写推荐单位：所在乡镇人民政府（街道办事处）或县级有关主管部门。"));
    put("excellenceSince", dateOf("excellenceSince", "请填写开始实施卓越绩效模式的日期，如 2023-01-01。"));
    put("legalRepresentative", between("legalRepresentative", 2, 50, "请填写法定代表人（负责人）姓名。"));
    put("contactName", between("contactName", 2, 50, "请填写联系人姓名。"));
    put("phone", phoneProblem("请填写联系电话。"));
    put("email", surelyBadEmail(value("email")) ? "请填写有效的电子邮箱，如 zhiliang@example.com。" : "");
    var start = parseDate(value("internalPublicityStart")), end = parseDate(value("internalPublicityEnd"));
    put("internalPublicityStart", "");
    put("internalPublicityEnd", "");
    if (!start) put("internalPublicityStart", "请填写内部公示开始日期，如 2026-03-10。");
    else if (!end) put("internalPublicityEnd", "请填写内部公示结束日期，如 2026-03-16。");
    else if (end.t < start.t) put("internalPublicityEnd", "内部公示结束日期早于开始日期，请核对。");
    else if (after(end, today())) put("internalPublicityEnd", "内部公示应在申报前结束（《管理办法》第十七条第（二）项），请在公示期满后再申报。");
    else if (calendar) {
      var n = workingDays(start, end);
      if (typeof n === "string") put("internalPublicityEnd", n);
      else if (n < 5) {
        put("internalPublicityEnd", chinese(start) + "至" + chinese(end) + "只有" + n + "个工作日；内部公示不得少于5个工作日（《管理办法》第十七条第（二）项）。");
      }
    }
    var decls = form.querySelectorAll("input[data-declaration]");
    for (var i = 0; i < decls.length; i++) {
      put(decls[i].name, decls[i].checked ? "" : "请逐项确认第十四条所列情形：" + decls[i].getAttribute("data-declaration"));
    }
    put("consent", ticked("consent") ? "" : "请阅读个人信息处理说明，并勾选同意后提交。");
    var missing = [];
    var slots = form.querySelectorAll("input[type=file][data-label]");
    for (var j = 0; j < slots.length; j++) {
      var sl = slots[j], have = filesIn(sl), claim = sl.getAttribute("data-claim");
      if (names.indexOf(sl.name) < 0) names.push(sl.name);
      if (have && claim && lg !== "yes") {
        put(sl.name, "未选择专精特新“小巨人”企业，无需上传此证书；如是“小巨人”企业，请选择“是”。");
      } else if (!have && (sl.required || claim && lg === "yes")) {
        put(sl.name, "请上传" + sl.getAttribute("data-label") + "。");
        missing.push(sl.getAttribute("data-label"));
      }
    }
    // Eligibility (Art. 13), counted to the day the call closes.
    var inel = {}, inelOrder = [];
    var closing = parseDate(form.getAttribute("data-closing") || ""), est = parseDate(value("established")), exc = parseDate(value("excellenceSince"));
    if (closing && est && exc) {
      var a = age(est, closing), minYears = lg === "yes" ? 2 : 3;
      names.push("established", "excellenceSince");
      if (a[0] < minYears) {
        var msg = "截至申报截止日" + chinese(closing) + "，成立" + a[0] + "年" + a[1] + "个月，不满" + minYears + "年：申报单位应合法运营3年以上（《管理办法》第十三条第（一）项）";
        if (minYears === 3 && a[0] >= 2) msg += "；专精特新“小巨人”企业可放宽至2年以上，如是，请选择“是”并上传证书";
        inel.established = msg + "。";
        inelOrder.push("established");
      }
      if (age(exc, closing)[0] < 1) {
        inel.excellenceSince = "截至申报截止日" + chinese(closing) + "，实施卓越绩效模式不满1年（《管理办法》第十三条第（二）项）。";
        inelOrder.push("excellenceSince");
      }
    }
    if (inelOrder.length) return { errs: inel, order: inelOrder, names: names, ineligible: true, missing: [] };
    return { errs: errs, order: order, names: names, ineligible: false, missing: missing };
  }

  function objectionRules() {
    var errs = {}, order = [];
    var ev = field("evidence");
    if (ev && ev.type === "file" && !filesIn(ev)) { errs.evidence = "请上传至少一份证明材料。"; order.push("evidence"); }
    if (!ticked("consent")) { errs.consent = "请阅读个人信息处理说明，并勾选同意后提交。"; order.push("consent"); }
    return { errs: errs, order: order, names: ["evidence", "consent"], ineligible: false, missing: [] };
  }

  function rules() {
    if (kind === "application") return applicationRules();
    if (kind === "objection") return objectionRules();
    return { errs: {}, order: [], names: [], ineligible: false, missing: [] };
  }

  // inputOf is the element a field's message belongs to (a radio group's
  // first radio).
  function inputOf(name) {
    var e = field(name);
    if (e && !e.tagName && e.length) e = e[0];
    return e && e.tagName ? e : null;
  }

  function summarise(problems, heading) {
    var old = document.getElementById("error-summary");
    if (old) old.parentNode.removeChild(old);
    var box = document.createElement("div");
    box.className = "error-summary";
    box.id = "error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var h = document.createElement("h2");
    h.textContent = heading || "提交的内容有" + countCN(problems.length) + "处需要修改，请按提示改正后重新提交。";
    box.appendChild(h);
    var ul = document.createElement("ul");
    for (var i = 0; i < problems.length; i++) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + (problems[i].anchor || problems[i].input.id);
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
    var problems = [], total = 0, firstFile = null, seen = {};
    var ruled = rules();
    for (var i = 0; i < checked.length; i++) {
      var input = checked[i], msg = problemOf(input);
      if (ruled.ineligible) msg = "";
      else if (!msg && ruled.errs[input.name]) msg = ruled.errs[input.name];
      show(input, msg);
      seen[input.name] = true;
      if (msg) problems.push({ input: input, msg: msg });
      if (input.type === "file") {
        firstFile = firstFile || input;
        for (var j = 0; j < (input.files || []).length; j++) total += input.files[j].size;
      }
    }
    for (var k = 0; k < ruled.order.length; k++) {
      var name = ruled.order[k];
      if (seen[name]) continue;
      var el = inputOf(name);
      if (!el) continue;
      show(el, ruled.errs[name]);
      // a radio group's message links to its question (p#f-NAME)
      problems.push({ input: el, msg: ruled.errs[name], anchor: el.type === "radio" ? "f-" + name : "" });
    }
    for (var c = 0; c < ruled.names.length; c++) { // put right since the last time
      var okName = ruled.names[c], okEl = inputOf(okName);
      if (!seen[okName] && !ruled.errs[okName] && okEl) show(okEl, "");
    }
    var maxRequest = +form.getAttribute("data-max-request") || 0;
    if (!ruled.ineligible && maxRequest && firstFile && total > maxRequest) {
      problems.push({ input: firstFile, msg: "提交的内容合计超过" + form.getAttribute("data-max-request-size") + "的上限，请压缩文件或分次提交。" });
    }
    if (problems.length) {
      ev.preventDefault();
      problems.sort(function (a, b) {
        if (a.input === b.input) return 0;
        return a.input.compareDocumentPosition(b.input) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      });
      var heading = "";
      if (ruled.ineligible) {
        heading = "不符合申报条件：";
        for (var m = 0; m < ruled.order.length; m++) heading += ruled.errs[ruled.order[m]];
      } else if (ruled.missing.length) {
        heading = "以下材料尚未上传：" + ruled.missing.join("、") + "。提交的内容有" + countCN(problems.length) + "处需要修改，请按提示改正后重新提交。";
      }
      summarise(problems, heading);
    }
  });

  // A field whose message is shown is checked again when it changes, so
  // that the message goes once it is put right; a slot's, when its uploads
  // change.
  function recheck(input) {
    if (!input || !input.name || input.getAttribute("aria-invalid") !== "true" || input.type === "file" && input.files && input.files.length) return;
    var msg = input.hasAttribute("data-check") ? problemOf(input) : "";
    var ruled = rules();
    if (!msg && !ruled.ineligible) msg = ruled.errs[input.name] || "";
    if (ruled.ineligible) msg = ruled.errs[input.name] || "";
    show(input, msg);
  }
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.type === "radio") t = inputOf(t.name);
    recheck(t);
  });
  form.addEventListener("award:staged", function () {
    var files = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < files.length; i++) recheck(files[i]);
  });
})();
