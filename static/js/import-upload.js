// The CSV upload form: refuse a file that is too big before sending it, and say that a large
// file takes a moment to check once sent. The server checks everything again.
(function () {
  "use strict";

  function sizeWords(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function setUp(form) {
    var input = form.querySelector('input[type="file"]');
    var refusal = form.querySelector("#file-size-error");
    var busy = form.querySelector("[data-import-busy]");
    var button = form.querySelector('button[type="submit"]');
    var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (!input || !refusal || !limit) return;

    function tooBig() {
      var file = input.files && input.files[0];
      if (file && file.size > limit) {
        refusal.textContent =
          "This file is " + sizeWords(file.size) + "; a file can be at most " +
          form.getAttribute("data-max-size") +
          ". Split it into smaller files and import them one after another.";
        refusal.hidden = false;
        input.setAttribute("aria-invalid", "true");
        return true;
      }
      refusal.hidden = true;
      refusal.textContent = "";
      input.removeAttribute("aria-invalid");
      return false;
    }

    input.addEventListener("change", tooBig);
    form.addEventListener("submit", function (event) {
      if (tooBig()) {
        event.preventDefault();
        input.focus();
        return;
      }
      var file = input.files && input.files[0];
      if (file && busy) {
        busy.textContent = "Uploading and checking " + sizeWords(file.size) + "…";
      }
      // One upload at a time; the page that answers replaces this one.
      window.setTimeout(function () { if (button) button.disabled = true; }, 0);
    });
  }

  document.querySelectorAll("form[data-import-upload]").forEach(setUp);
})();
