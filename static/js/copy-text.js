// A "Copy" button beside text a person would otherwise retype (the authenticator set-up key).
// Hidden without JavaScript or where the browser cannot copy.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("[data-copy-text]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-text")).then(function () {
        button.textContent = button.getAttribute("data-copied-label");
        setTimeout(function () { button.textContent = label; }, 3000);
      });
    });
  });
})();
