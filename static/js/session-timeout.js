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

  var lastKeptAlive = Date.now();

  function signedOutUrl() {
    return dialog.getAttribute("data-signed-out-url") + "&next=" + encodeURIComponent(window.location.pathname);
  }

  function start() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () { dialog.showModal(); }, warnAfter);
    endTimer = setTimeout(function () { window.location.replace(signedOutUrl()); }, endAfter);
  }

  function keepAlive() {
    lastKeptAlive = Date.now();
    return fetch(dialog.getAttribute("data-keep-alive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": dialog.getAttribute("data-csrf-token") }
    }).then(function (response) {
      if (!response.ok) {
        window.location.replace(signedOutUrl());
        return;
      }
      start();
      // Other scripts (e.g. the diary's keeping of unsaved writing) restart their clocks too.
      document.dispatchEvent(new CustomEvent("session:extended"));
    });
  }

  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
    keepAlive().then(function () { if (dialog.open) dialog.close(); });
  });

  // Someone typing is still here: keep the session, at most once a minute.
  document.addEventListener("input", function () {
    if (!dialog.open && Date.now() - lastKeptAlive > 60 * 1000) keepAlive();
  });

  start();
})();
