// Live chat, made live: the page works as plain forms without this file. With it, messages come
// over a websocket and appear at once; a dropped connection reconnects by itself (waiting longer
// each time) and asks for everything after the last message number shown, so nothing is lost and
// nothing appears twice. Used on the visitor's pages and the supporter's chat page.
// Nothing is kept in the browser: no localStorage, sessionStorage or IndexedDB; no sound here.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || !window.WebSocket) return;
  var socketPath = root.getAttribute("data-chat-socket");
  var viewer = root.getAttribute("data-chat-viewer") || "visitor";
  var conversation = parseInt(root.getAttribute("data-chat-conversation") || "0", 10) || null;
  var state = root.getAttribute("data-chat-state");
  var list = document.getElementById("chat-messages");
  var form = document.getElementById("chat-send-form");
  var textarea = form ? form.querySelector("textarea") : null;
  var typingHint = document.getElementById("chat-typing");
  var status = document.getElementById("chat-connection");
  var lastSeq = list ? parseInt(list.getAttribute("data-last-seq") || "0", 10) : 0;
  var socket = null;
  var retries = 0;
  var typingTimer = null;
  var lastTypingSent = 0;
  var closedForGood = false;

  function say(text) { if (status) status.textContent = text; }

  function frame(data) {
    if (conversation) data.conversation = conversation;
    return JSON.stringify(data);
  }

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(frame(data));
      return true;
    }
    return false;
  }

  function who(sender) {
    if (sender === "system") return "Notice";
    if (sender === viewer) return "You";
    return sender === "supporter" ? "Supporter" : root.getAttribute("data-chat-nickname");
  }

  function addMessage(event) {
    if (!list || event.seq <= lastSeq) return; // already shown
    lastSeq = event.seq;
    var empty = list.querySelector(".app-chat__message--system:not([data-seq])");
    if (empty) empty.remove();
    var previous = document.getElementById("latest");
    if (previous) previous.removeAttribute("id");
    var item = document.createElement("li");
    item.className = "app-chat__message app-chat__message--" + event.sender;
    item.setAttribute("data-seq", String(event.seq));
    item.id = "latest";
    var name = document.createElement("span");
    name.className = "app-chat__who";
    name.textContent = who(event.sender);
    var hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = ":";
    name.appendChild(hidden);
    var text = document.createElement("span");
    text.className = "app-chat__text";
    text.textContent = event.text; // never innerHTML: message text is only ever text
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(text);
    if (event.kind === "contact_form" && viewer === "visitor") {
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = root.getAttribute("data-chat-talk-url") + "contact/";
      link.id = "contact-form-link";
      link.textContent = "Give your contact details safely";
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
    }
    list.appendChild(item);
    list.setAttribute("data-last-seq", String(lastSeq));
    item.scrollIntoView({ block: "nearest" });
    if (typingHint) typingHint.hidden = true;
  }

  function ended(event) {
    closedForGood = true;
    if (form) form.hidden = true;
    if (viewer === "visitor") {
      window.location.replace(root.getAttribute("data-chat-ended-url"));
    } else {
      say(event.reason_text || "The chat has ended.");
    }
  }

  function onEvent(event) {
    // Quick exit under way (quick-exit.js marks the page first): the chat's end, which the exit
    // itself causes, must not send the page anywhere but the neutral site.
    if (document.body.classList.contains("app-exiting")) return;
    if (conversation && event.conversation && event.conversation !== conversation) return;
    if (event.type === "message") addMessage(event);
    else if (event.type === "typing" && typingHint) {
      typingHint.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingHint.hidden = true; }, 4000);
    } else if (event.type === "state") {
      if (event.state === "ended") ended(event);
      else if (state === "waiting" && event.state === "active") window.location.replace(root.getAttribute("data-chat-talk-url"));
      else if (event.state === "waiting") {
        var position = document.getElementById("queue-position");
        var wait = document.getElementById("queue-wait");
        if (position) position.textContent = "number " + event.position;
        if (wait) wait.textContent = event.wait.charAt(0).toUpperCase() + event.wait.slice(1) + " until a supporter is free.";
      }
    } else if (event.type === "error") say(event.message);
    else if (event.type === "sent") say("");
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + socketPath);
    socket.onopen = function () {
      retries = 0;
      say("");
      send({ type: "resume", last_seq: lastSeq });
    };
    socket.onmessage = function (message) {
      try { onEvent(JSON.parse(message.data)); } catch (e) { /* a frame we do not understand */ }
    };
    socket.onclose = function (event) {
      socket = null;
      if (closedForGood || event.code === 4403) return;
      // 1 s, 2 s, 4 s... up to 30 s, with some jitter so many pages do not return at once.
      var delay = Math.min(30000, 1000 * Math.pow(2, retries)) * (0.75 + Math.random() * 0.5);
      retries += 1;
      say("Reconnecting… Your messages are safe.");
      setTimeout(connect, delay);
    };
  }

  if (form && textarea) {
    form.addEventListener("submit", function (event) {
      var text = textarea.value.trim();
      if (!text) return; // let the server say what is wrong
      if (send({ type: "send", text: text })) {
        event.preventDefault();
        textarea.value = "";
        textarea.focus();
      }
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 2500) {
        lastTypingSent = now;
        send({ type: "typing" });
      }
    });
  }

  // While waiting, say we are still here so the place in the queue is kept.
  setInterval(function () { send({ type: "ping" }); }, 60000);
  connect();
})();
