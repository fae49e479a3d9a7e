// Gives each article of a policy page (a page with a table of contents) a
// "复制本条链接" link after its heading: its address ends in the article's
// anchor (#第十三条). Activated, it copies the full address to the clipboard
// and says so; where copying is not allowed, it simply goes to the article,
// leaving the address in the address bar to copy by hand. Without
// JavaScript the table of contents links to every article.
(function () {
  "use strict";
  if (!document.querySelector(".toc")) return;
  var heads = document.querySelectorAll(".content h2[id]");
  for (var i = 0; i < heads.length; i++) {
    (function (h) {
      var a = document.createElement("a");
      a.className = "article-link";
      a.href = "#" + encodeURIComponent(h.id);
      a.textContent = "复制本条链接";
      a.setAttribute("aria-label", "复制本条链接：" + h.textContent);
      var status = document.createElement("span");
      status.className = "article-link-status";
      status.setAttribute("role", "status");
      a.addEventListener("click", function (ev) {
        var url = location.href.split("#")[0] + "#" + h.id;
        if (!navigator.clipboard || !window.isSecureContext) return; // follow the link instead
        ev.preventDefault();
        navigator.clipboard.writeText(url).then(function () {
          status.textContent = "已复制：" + url;
        }, function () {
          location.hash = h.id;
        });
      });
      h.insertAdjacentElement("afterend", status);
      h.insertAdjacentElement("afterend", a);
    })(heads[i]);
  }
})();
