// Quick exit: the "Exit this page" button (clicked, or Enter or Space on it), or Shift pressed 3 times anywhere.
// Hides the page and its title first, then replaces this history entry with the
// server's exit URL, which signs the person out and redirects to a neutral site.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-quick-exit]");
  if (!buttons.length) return;
  var exitUrl = buttons[0].getAttribute("href");
  var presses = 0;
  var timer = null;

  function leave(event) {
    if (event) event.preventDefault();
    document.title = document.body.getAttribute("data-neutral-title") || "";
    document.body.classList.add("app-exiting");
    window.location.replace(exitUrl);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", leave);
    // A link with role="button" must answer Space as a button does (as GOV.UK Frontend's
    // Button module does): a person who hears "button" presses Space, and the browser's own
    // answer to Space on a link is to scroll the page. Enter already follows the link.
    button.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Spacebar") leave(event);
    });
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    if (presses >= 3) {
      presses = 0;
      leave();
      return;
    }
    timer = setTimeout(function () { presses = 0; }, 2000);
  });
})();
