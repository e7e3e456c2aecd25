// The embeddable card tells the page that frames it how tall it is, so that js/embed.js on that
// page can fit the frame to it. The height is not a secret: any page may frame the card.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function post() {
    var card = document.querySelector(".embed-card");
    if (!card) return;
    var height = Math.ceil(card.getBoundingClientRect().bottom + window.scrollY);
    if (height === last) return;
    last = height;
    window.parent.postMessage({type: "factcheck-embed-height", height: height}, "*");
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(post).observe(document.body);
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  post();
})();
