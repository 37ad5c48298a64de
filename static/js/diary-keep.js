// A diary entry being written is not lost to the idle sign-out. Just before the session would
// end (when session-timeout.js leaves the page), an unsaved form is sent once more with
// keep_only: the server seals a copy for this browser, ends the session, and gives the writing
// back in the form after the person signs in again. Without JavaScript, a form sent after the
// session ended is kept the same way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-idle-keep]");
  var seconds = parseInt(document.body.getAttribute("data-idle-seconds"), 10);
  if (!form || !seconds || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  // Shortly before session-timeout.js leaves the page at the end of the idle time.
  var keepAfter = Math.max(seconds - 10, seconds * 0.75) * 1000;
  var timer;

  function snapshot() {
    return new URLSearchParams(new FormData(form)).toString();
  }
  var initial = snapshot();

  function keep() {
    if (snapshot() === initial) return;
    var data = new FormData(form);
    data.append("keep_only", "1");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: true
    });
  }

  function start() {
    clearTimeout(timer);
    timer = setTimeout(keep, keepAfter);
  }

  // "Stay signed in" in the idle warning starts the clock again.
  var dialog = document.getElementById("idle-warning");
  if (dialog) dialog.addEventListener("close", start);
  // So does typing, which keeps the session (session-timeout.js).
  document.addEventListener("session:extended", start);
  form.addEventListener("submit", function () { clearTimeout(timer); });
  start();
})();
