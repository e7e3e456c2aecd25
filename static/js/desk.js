// Desk behaviour that htmx does not cover. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Selecting words in the quote fills the note form's start and end. Browsers count
  // offsets in UTF-16 units; the form says so and the server converts to code points.
  function selectionOffsets(container) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var end = start + range.toString().length;
    return end > start ? { start: start, end: end } : null;
  }

  document.addEventListener("mouseup", fillSpan);
  document.addEventListener("keyup", fillSpan);

  function fillSpan() {
    var quote = document.getElementById("quote-text");
    var start = document.getElementById("id_start");
    var end = document.getElementById("id_end");
    var utf16 = document.getElementById("id_utf16");
    if (!quote || !start || !end || !utf16) return;
    var offsets = selectionOffsets(quote);
    if (!offsets) return;
    start.value = offsets.start;
    end.value = offsets.end;
    utf16.value = "1";
  }

  // Typing an offset by hand means code points again.
  document.addEventListener("input", function (event) {
    if (event.target && (event.target.id === "id_start" || event.target.id === "id_end")) {
      var utf16 = document.getElementById("id_utf16");
      if (utf16) utf16.value = "";
    }
  });

  // On a phone the desk's links wait behind "Menu" (the stylesheet hides them only once this runs).
  var navToggle = document.querySelector(".nav-toggle");
  if (navToggle) {
    var navLinks = document.getElementById(navToggle.getAttribute("aria-controls"));
    navToggle.closest("nav").classList.add("js-nav");
    navToggle.hidden = false;
    navToggle.addEventListener("click", function () {
      var open = navToggle.getAttribute("aria-expanded") !== "true";
      navToggle.setAttribute("aria-expanded", String(open));
      if (navLinks) navLinks.classList.toggle("open", open);
    });
  }

  // A request htmx does not swap in (refused, too large, failed) or could not send: say so
  // above the page, in the server's own words when it gave a page, instead of nothing at all.
  function showRequestError(text) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) box.hidden = true;
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var said = "";
    try {
      var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var first = page.querySelector("main p, body p");
      said = first ? first.textContent.trim() : "";
    } catch (error) {
      said = "";
    }
    showRequestError(said || "That did not go through (error " + xhr.status + "). Please try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showRequestError("The desk could not be reached: check your connection, then try again.");
  });

  // Destructive actions ask first: a form carrying confirmed=no opens the confirmation dialog,
  // whose confirming button repeats the action's name; confirming sends the form with
  // confirmed=yes (through htmx when the form uses it). Without JavaScript the server asks.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var flag = form && form.querySelector ? form.querySelector('input[name="confirmed"]') : null;
    if (!flag || flag.value !== "no") return;
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return; // the server's page asks instead
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    // The confirming button repeats the action's name: the button's own words, or a fuller name
    // when its words lean on the row around it ("Remove" beside a piece of evidence).
    var name = submitter ? (submitter.getAttribute("data-confirm-label") || submitter.textContent.trim()) : "Confirm";
    document.getElementById("confirm-question").textContent =
      (submitter && submitter.getAttribute("data-confirm")) || (name + "?");
    document.getElementById("confirm-button").textContent = name;
    dialog.returnValue = "";
    dialog.onclose = function () {
      dialog.onclose = null;
      if (dialog.returnValue !== "confirm") return;
      flag.value = "yes";
      if (submitter && submitter.form === form) form.requestSubmit(submitter); else form.requestSubmit();
      window.setTimeout(function () { if (flag.isConnected) flag.value = "no"; }, 0);
    };
    dialog.showModal();
  }, true);

  // After a swap, put focus somewhere sensible: the element marked autofocus, else the
  // first field with an error.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    if (!root || !root.querySelector) return;
    var target = root.querySelector("[aria-invalid=true]") || root.querySelector("[autofocus]");
    if (target && typeof target.focus === "function") target.focus();
  });
})();
