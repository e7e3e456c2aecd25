// On a page that embeds our fact-check cards: fit each card's frame to the height the card
// reports (js/embed-card.js). Only messages from our site (data-site on this script, SITE_URL's
// origin) and from the frame itself are believed.
(function () {
  "use strict";
  var script = document.currentScript;
  var site = (script && script.getAttribute("data-site")) || (script && new URL(script.src).origin);
  if (!site || window.__factcheckEmbed) return;
  window.__factcheckEmbed = true;  // the snippet pasted twice listens once
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== site || !data || data.type !== "factcheck-embed-height") return;
    var height = Math.ceil(Number(data.height));
    if (!(height > 0 && height <= 4000)) return;
    var frames = document.querySelectorAll("iframe[data-factcheck-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].height = String(height);
      }
    }
  });
})();
