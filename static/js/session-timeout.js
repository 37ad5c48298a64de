// Idle sign-out warning: two minutes before the session would end, offer to stay signed in.
// The server ends the session on its own after the idle time; this only warns and tidies up.
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  var seconds = parseInt(document.body.getAttribute("data-idle-seconds"), 10);
  if (!dialog || !seconds || typeof dialog.showModal !== "function") return;
  // Warn two minutes before the end (or half way, for very short sessions).
  var warnAfter = Math.max(seconds - 120, seconds / 2) * 1000;
  var endAfter = seconds * 1000;
  var warnTimer, endTimer;

  function start() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () { dialog.showModal(); }, warnAfter);
    endTimer = setTimeout(function () {
      window.location.replace(dialog.getAttribute("data-signed-out-url"));
    }, endAfter);
  }

  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
    fetch(dialog.getAttribute("data-keep-alive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": dialog.getAttribute("data-csrf-token") }
    }).then(function (response) {
      if (response.ok) {
        dialog.close();
        start();
      } else {
        window.location.replace(dialog.getAttribute("data-signed-out-url"));
      }
    });
  });

  start();
})();
