// The supporter console and the supervisors' board, made live: when the queue changes the lists are fetched again; when a new
// chat arrives a short tone plays and the tab title changes until the page is looked at. Staff side only.
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root || !window.WebSocket) return;
  var live = document.getElementById("console-live");
  var title = document.title;
  var retries = 0;

  function tone() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var context = new Context();
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.frequency.value = 660;
      gain.gain.value = 0.1;
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + 0.25);
    } catch (e) { /* the browser refused sound until the page is used */ }
  }

  function refresh() {
    fetch(root.getAttribute("data-chat-console-url"), { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("console-live");
        if (fresh && live) live.innerHTML = fresh.innerHTML;
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) document.title = title;
  });

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-chat-socket"));
    socket.onopen = function () { retries = 0; };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "queue" || event.type === "assigned" || event.type === "unassigned") {
        refresh();
        if (event.new_chat) {
          tone();
          document.title = "(New chat) " + title;
        }
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4403) return;
      var delay = Math.min(30000, 1000 * Math.pow(2, retries)) * (0.75 + Math.random() * 0.5);
      retries += 1;
      setTimeout(connect, delay);
    };
  }
  connect();
})();
