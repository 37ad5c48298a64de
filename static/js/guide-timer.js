// Technique timer: adds Start / Pause / Reset buttons and a countdown to a technique step.
// Without JavaScript the step simply says how long to try the exercise for.
(function () {
  "use strict";
  var box = document.querySelector("[data-timer-seconds]");
  var total = box ? parseInt(box.getAttribute("data-timer-seconds"), 10) : 0;
  if (!box || !total) return;

  var left = total;
  var ticking = null;

  var display = document.createElement("p");
  display.className = "govuk-heading-l app-guides-timer__time";
  display.setAttribute("role", "timer");
  display.setAttribute("aria-live", "off");

  // Announced to screen readers only when something changes: started, paused, finished.
  var status = document.createElement("p");
  status.className = "govuk-body app-guides-timer__status";
  status.setAttribute("role", "status");

  var group = document.createElement("div");
  group.className = "govuk-button-group";
  var startButton = button("Start timer", "govuk-button");
  var resetButton = button("Reset", "govuk-button govuk-button--secondary");
  group.appendChild(startButton);
  group.appendChild(resetButton);

  box.appendChild(display);
  box.appendChild(group);
  box.appendChild(status);
  show();

  function button(text, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    return element;
  }

  function show() {
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    display.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function stop() {
    clearInterval(ticking);
    ticking = null;
  }

  startButton.addEventListener("click", function () {
    if (ticking) {
      stop();
      startButton.textContent = "Carry on";
      status.textContent = "Timer paused.";
      return;
    }
    if (left === 0) left = total;
    startButton.textContent = "Pause";
    status.textContent = "Timer started.";
    ticking = setInterval(function () {
      left -= 1;
      show();
      if (left <= 0) {
        stop();
        startButton.textContent = "Start again";
        status.textContent = "Time is up. Take a moment to notice how you feel.";
      }
    }, 1000);
  });

  resetButton.addEventListener("click", function () {
    stop();
    left = total;
    show();
    startButton.textContent = "Start timer";
    status.textContent = "";
  });
})();
