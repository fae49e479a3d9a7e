// Moves the keyboard and screen-reader focus to a form's error summary when
// the page shows one, so that the person hears what to correct first; each
// item of the summary links to its field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
