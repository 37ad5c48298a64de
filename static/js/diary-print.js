// The print page's "Print this page" button (without JavaScript, the page says how to print).
(function () {
  "use strict";
  var button = document.querySelector("[data-diary-print]");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
