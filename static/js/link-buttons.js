// Links drawn as buttons (role="button") answer Space as buttons do, as GOV.UK Frontend's
// Button module does: a person who hears "button" presses Space, which on a link would
// only scroll the page. (Quick exit handles its own button in quick-exit.js.)
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " && event.key !== "Spacebar") return;
    var target = event.target;
    if (!target || target.tagName !== "A" || target.getAttribute("role") !== "button") return;
    if (target.hasAttribute("data-quick-exit")) return;
    event.preventDefault();
    target.click();
  });
})();
