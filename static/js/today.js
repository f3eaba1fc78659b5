// Keyboard for "Today": j/k move between rows, one letter per action (shown on the page).
// Every action is a real link or button; the keys only press them, so nothing here is needed
// for the page to work.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  }

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("[data-row]") : null;
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    var row = all[Math.max(0, Math.min(index, all.length - 1))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  var remembered = 0;

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    var row = current();
    var index = row ? rows().indexOf(row) : -1;
    if (key === "j" || key === "k") {
      event.preventDefault();
      focusRow(index < 0 ? 0 : index + (key === "j" ? 1 : -1));
      return;
    }
    if (key === "u") {
      var undo = document.querySelector(".message__undo [data-key='u']");
      if (undo) { event.preventDefault(); undo.click(); }
      return;
    }
    if (!row || key.length !== 1) return;
    var control = row.querySelector("[data-key='" + key + "']");
    if (!control) return;
    event.preventDefault();
    remembered = index;
    if (control.tagName === "SUMMARY") {
      control.parentElement.open = !control.parentElement.open;
      var first = control.parentElement.querySelector("button");
      if (first && control.parentElement.open) first.focus();
    } else {
      control.click();
    }
  });

  // After the queue is swapped (an action done), keep the keyboard where it was.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "queue" && document.activeElement === document.body) {
      focusRow(remembered);
    }
    var input = event.target && event.target.querySelector && event.target.querySelector("[autofocus]");
    if (input) input.focus();
  });
  document.addEventListener("focusin", function () {
    var row = current();
    if (row) remembered = rows().indexOf(row);
  });
})();
