// Upload progress for the application form: when a form carries
// data-upload-progress, it is sent with XMLHttpRequest so that the page can
// show how much has been sent, with a percentage and a cancel button. The
// server answers as for any form post (a receipt page, or the form again
// with an error summary), and that answer replaces the page. Without
// JavaScript the form posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var box = form.querySelector(".upload-progress");
  var bar = box && box.querySelector("progress");
  var pct = box && box.querySelector(".upload-percent");
  var cancel = box && box.querySelector(".upload-cancel");
  var xhr = null;
  form.addEventListener("submit", function (ev) {
    if (!box || xhr || ev.defaultPrevented) return; // refused by form-checks.js
    ev.preventDefault();
    xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var p = Math.floor((e.loaded / e.total) * 100);
      bar.value = p;
      pct.textContent = p + "%（已上传 " + (e.loaded / 1048576).toFixed(1) + " MB，共 " + (e.total / 1048576).toFixed(1) + " MB）";
    });
    xhr.addEventListener("load", function () {
      // A refused supplement answers at its own post URL: shown in place.
      if (xhr.responseURL && xhr.responseURL.indexOf("/receipts/") >= 0 && xhr.responseURL.indexOf("/supplements") < 0) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      pct.textContent = "网络中断，上传没有完成，没有保存任何内容。请检查网络后重新提交。";
      xhr = null;
    });
    xhr.addEventListener("abort", function () {
      pct.textContent = "已取消上传，没有保存任何内容。";
      box.hidden = true;
      xhr = null;
    });
    box.hidden = false;
    pct.textContent = "0%";
    xhr.send(new FormData(form));
  });
  if (cancel) {
    cancel.addEventListener("click", function () {
      if (xhr) xhr.abort();
    });
  }
})();
