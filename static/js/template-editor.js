// Template editor: click a placeholder to insert it where the cursor was in the subject or the
// message. A static file, not an inline <script>, so the Content-Security-Policy allows it.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  if (!form) { return; }
  // A field focused before this script ran (a fast typist, a slow page) still counts.
  var focused = document.activeElement;
  var last = focused && form.contains(focused) && focused.matches("textarea, input[type=text]")
    ? focused : form.querySelector("textarea");
  form.addEventListener("focusin", function (event) {
    if (event.target.matches("textarea, input[type=text]")) { last = event.target; }
  });
  // Whom it is written for, and a message, are an email's: a task is one line to the recruiter.
  // A hidden part is disabled too, so that the form sends none of it.
  var emailsOnly = form.querySelectorAll("[data-emails-only]");
  function showEmailsOnly() {
    var task = Boolean(form.querySelector("input[name=kind][value=task]:checked"));
    emailsOnly.forEach(function (part) {
      part.hidden = task;
      part.querySelectorAll("input, textarea").forEach(function (control) {
        control.disabled = task;
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") { showEmailsOnly(); }
  });
  showEmailsOnly();
  document.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-insert");
      var start = last.selectionStart, end = last.selectionEnd;
      last.setRangeText(text, start, end, "end");
      last.focus();
      last.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
