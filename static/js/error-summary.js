// The GOV.UK error summary: focused when the page loads, so it is read out and in view;
// its links move to the field and bring the field's question into view with it.
(function () {
  "use strict";
  var summary = document.querySelector(".govuk-error-summary");
  if (!summary) return;
  summary.setAttribute("tabindex", "-1");
  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    var question = input.closest("fieldset") ? input.closest("fieldset").querySelector("legend") : null;
    question = question || document.querySelector("label[for='" + input.id + "']") || input;
    question.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
