// Passkeys: asks the browser to make a new passkey, or to use one, with the options the page
// carries, then sends the browser's answer in the page's own form. Without JavaScript (or in a
// browser without passkeys) the button stays hidden and the page offers the other ways.
(function () {
  "use strict";
  var box = document.querySelector("[data-passkey]");
  if (!box || !window.PublicKeyCredential || !navigator.credentials) return;
  var form = box.closest("form");
  var field = form && form.querySelector("[data-passkey-field]");
  var button = box.querySelector("[data-passkey-start]");
  var error = box.querySelector("[data-passkey-error]");
  var options = JSON.parse(document.getElementById(box.getAttribute("data-passkey-options")).textContent);
  if (!field || !button) return;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions() {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withBytes(options.excludeCredentials)
    });
  }

  function requestOptions() {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: withBytes(options.allowCredentials)
    });
  }

  function asJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment,
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      if (response.userHandle) json.response.userHandle = toText(response.userHandle);
    }
    return json;
  }

  box.querySelector("[data-passkey-unavailable]").hidden = true;
  button.hidden = false;
  button.addEventListener("click", function () {
    error.hidden = true;
    var asked = box.getAttribute("data-passkey") === "create"
      ? navigator.credentials.create({ publicKey: creationOptions() })
      : navigator.credentials.get({ publicKey: requestOptions() });
    asked.then(function (credential) {
      field.value = JSON.stringify(asJSON(credential));
      form.submit();
    }).catch(function () {
      error.hidden = false;
      button.focus();
    });
  });
})();
