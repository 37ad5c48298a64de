// On phones the main navigation folds behind a "Menu" button (GOV.UK service navigation).
// Without JavaScript the button stays hidden and every link shows.
(function () {
  "use strict";
  var toggle = document.querySelector(".govuk-js-service-navigation-toggle");
  var list = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !list || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 40.0525em)");
  var open = false;

  function show() {
    if (phone.matches) {
      toggle.hidden = false;
      toggle.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    } else {
      toggle.hidden = true;
      toggle.removeAttribute("aria-expanded");
      list.hidden = false;
    }
  }

  toggle.addEventListener("click", function () {
    open = !open;
    show();
  });
  if (phone.addEventListener) phone.addEventListener("change", show);
  show();
})();
