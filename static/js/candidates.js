// Candidate list and candidate page: small conveniences on top of pages that work without them.
// No inline handlers (the Content-Security-Policy forbids them): everything is delegated from
// the document, so rows and forms that htmx swaps in keep working.
(function () {
  "use strict";

  // ---- The list: select every row on the page, and say how many are selected. ----

  function selectionBoxes() {
    return Array.from(document.querySelectorAll('input[name="candidate"][form="bulk-actions"]'));
  }

  function showSelection() {
    var boxes = selectionBoxes();
    var chosen = boxes.filter(function (box) { return box.checked; }).length;
    var count = document.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = chosen
        ? chosen + " selected:"
        : "Tick candidates, then:";
    }
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.hidden = boxes.length === 0;
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      selectionBoxes().forEach(function (box) { box.checked = target.checked; });
      showSelection();
    } else if (target.matches('input[name="candidate"][form="bulk-actions"]')) {
      showSelection();
    } else if (target.matches("select[data-hire-date]")) {
      showHireDate(target);
    }
  });

  // A column heading sorts the table in place: the form's Sort says so too, or the next filter
  // sent along with it would quietly sort the list back the old way.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.sort-link[data-sort]");
    var select = document.getElementById("id_sort");
    if (link && select) {
      select.value = link.dataset.sort;
    }
  });

  // ---- The candidate page: the start date only matters when moving someone to "hired". ----

  function showHireDate(select) {
    var input = document.getElementById(select.dataset.hireDate);
    var field = input && input.closest(".hire-date");
    if (!field) {
      return;
    }
    var hiring = select.value === "hired";
    // A date the server asked for (an error) stays visible whatever is selected.
    field.hidden = !hiring && !input.hasAttribute("aria-invalid");
    input.required = hiring;
  }

  // A confirmation after an htmx action floats at the bottom; it goes after a while, or on a click.
  var flashTimer = null;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "candidate-flash") {
      return;
    }
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { event.detail.target.replaceChildren(); }, 12000);
  });
  document.addEventListener("click", function (event) {
    var flash = event.target.closest("#candidate-flash");
    if (flash && !event.target.closest("a, button")) {
      flash.replaceChildren();
    }
  });

  function enhance(root) {
    root.querySelectorAll("select[data-hire-date]").forEach(showHireDate);
    showSelection();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Filters fold away on a phone; with room to spare they start open.
    if (window.matchMedia("(min-width: 721px)").matches) {
      document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
        details.open = true;
      });
    }
    enhance(document);
  });
  // htmx:load fires for every piece of content htmx adds, out-of-band swaps included.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
