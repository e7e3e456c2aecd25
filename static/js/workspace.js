// The claim workspace: the quote's words by keyboard, and panels that fold away and stay folded.
// Mouse selection of the quote stays with desk.js (it sends UTF-16 offsets); the word list here
// sends each word's own code point offsets, so it clears the UTF-16 flag.
(function () {
  "use strict";

  var PANEL_KEY = "workspace-panel:";

  // ---------------------------------------------------------------- the quote's words

  function wordList() {
    return document.getElementById("quote-text");
  }

  function words(list) {
    return Array.prototype.slice.call(list.querySelectorAll(".word"));
  }

  function focusWord(list, index) {
    var all = words(list);
    all.forEach(function (word, i) {
      word.tabIndex = i === index ? 0 : -1;
    });
    if (all[index]) all[index].focus();
  }

  function selectWords(list, from, to) {
    var all = words(list);
    var low = Math.min(from, to);
    var high = Math.max(from, to);
    all.forEach(function (word, i) {
      word.classList.toggle("is-selected", i >= low && i <= high);
    });
    announce(all.slice(low, high + 1).map(function (word) { return word.textContent.trim(); }).join(" "));
    var start = document.getElementById("id_start");
    var end = document.getElementById("id_end");
    var utf16 = document.getElementById("id_utf16");
    if (!start || !end || !all[low]) return;
    start.value = all[low].getAttribute("data-start");
    end.value = all[high].getAttribute("data-end");
    if (utf16) utf16.value = "";
  }

  function announce(text) {
    var status = document.getElementById("quote-selection");
    if (status) status.textContent = text ? "Selected for the note: " + text : "";
  }

  function clearWords(list) {
    words(list).forEach(function (word) {
      word.classList.remove("is-selected");
    });
    delete list.dataset.anchor;
    announce("");
  }

  document.addEventListener("keydown", function (event) {
    var list = wordList();
    var word = event.target && event.target.closest ? event.target.closest("#quote-text .word") : null;
    if (!list || !word || !list.contains(word)) return;
    var all = words(list);
    var index = all.indexOf(word);
    var last = all.length - 1;
    var next = null;
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": next = Math.min(index + 1, last); break;
      case "ArrowLeft": case "ArrowUp": next = Math.max(index - 1, 0); break;
      case "Home": next = 0; break;
      case "End": next = last; break;
      case " ": case "Spacebar":
        event.preventDefault();
        list.dataset.anchor = String(index);
        selectWords(list, index, index);
        return;
      case "Escape":
        clearWords(list);
        return;
      default: return;
    }
    event.preventDefault();
    // A keyboard selection replaces a mouse one, which desk.js would otherwise read on keyup.
    var selection = window.getSelection && window.getSelection();
    if (selection) selection.removeAllRanges();
    // Shift extends from where the selection began; a plain arrow starts again at the new word.
    if (!event.shiftKey) list.dataset.anchor = String(next);
    else if (list.dataset.anchor === undefined) list.dataset.anchor = String(index);
    var anchor = Number(list.dataset.anchor);
    focusWord(list, next);
    selectWords(list, anchor, next);
  });

  // A click on one word picks it (Shift extends); a drag is a mouse selection, which desk.js reads.
  document.addEventListener("click", function (event) {
    var list = wordList();
    var word = event.target && event.target.closest ? event.target.closest("#quote-text .word") : null;
    if (!list || !word || !list.contains(word)) return;
    var selection = window.getSelection && window.getSelection();
    if (selection && !selection.isCollapsed) {
      clearWords(list);
      return;
    }
    var index = words(list).indexOf(word);
    var anchor = event.shiftKey && list.dataset.anchor !== undefined ? Number(list.dataset.anchor) : index;
    list.dataset.anchor = String(anchor);
    focusWord(list, index);
    selectWords(list, anchor, index);
  });

  // Offsets typed by hand: the words no longer say what is selected.
  document.addEventListener("input", function (event) {
    var list = wordList();
    if (list && event.target && (event.target.id === "id_start" || event.target.id === "id_end")) clearWords(list);
  });

  // The word list is re-drawn when notes change: keep the keyboard on the same word.
  var focusedWord = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var list = wordList();
    focusedWord = null;
    if (list && event.detail.target && event.detail.target.contains(list) && list.contains(document.activeElement)) {
      focusedWord = words(list).indexOf(document.activeElement);
    }
  });

  // ---------------------------------------------------------------- panels

  function remembered(id) {
    try {
      return window.localStorage.getItem(PANEL_KEY + id);
    } catch (error) {
      return null;
    }
  }

  function remember(id, state) {
    try {
      window.localStorage.setItem(PANEL_KEY + id, state);
    } catch (error) {
      // Storage refused (private mode, full): the panel still folds for this page.
    }
  }

  function panelOf(button) {
    var panel = button.closest(".panel");
    return panel && panel.id ? panel : null;
  }

  function setExpanded(button, expanded) {
    var body = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    if (body) body.hidden = !expanded;
    var panel = panelOf(button);
    if (panel) panel.classList.toggle("is-collapsed", !expanded);
  }

  function restorePanels(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("button.panel-toggle[aria-controls]").forEach(function (button) {
      var panel = panelOf(button);
      if (panel) setExpanded(button, remembered(panel.id) !== "collapsed");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button.panel-toggle") : null;
    if (!button) return;
    var expanded = button.getAttribute("aria-expanded") !== "true";
    setExpanded(button, expanded);
    var panel = panelOf(button);
    if (panel) remember(panel.id, expanded ? "open" : "collapsed");
  });

  // A swapped panel arrives open from the server: fold it again before it is drawn.
  document.addEventListener("htmx:afterSwap", function () {
    restorePanels(document);
  });

  document.addEventListener("htmx:afterSettle", function () {
    var list = wordList();
    if (focusedWord !== null && list && !list.contains(document.activeElement)) {
      var all = words(list);
      if (all.length) focusWord(list, Math.min(focusedWord, all.length - 1));
    }
    focusedWord = null;
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { restorePanels(document); });
  } else {
    restorePanels(document);
  }
})();
