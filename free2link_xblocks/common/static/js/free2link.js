/* Shared by every Free2Link view (learner and Studio). */

/* POST JSON to one of the block's handlers with Django's CSRF token. Resolves to
   {ok, json} (json is {} when the answer is not JSON); rejects with a TypeError when offline. */
function Free2LinkPost(runtime, element, handler, data) {
  "use strict";
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return fetch(runtime.handlerUrl(element, handler), {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": match ? decodeURIComponent(match[1]) : "",
              "X-Requested-With": "XMLHttpRequest"},
    body: JSON.stringify(data || {})
  }).then(function (response) {
    return response.json().catch(function () { return {}; }).then(function (json) {
      return {ok: response.ok, json: json};
    });
  });
}

/* The learner views: the server renders every state and decides everything; this sends the
   learner's move, swaps in the HTML that comes back, moves focus and announces.
   `focusTargets` maps the server's "focus" answer to a selector. Every move carries the action
   token `seq` the page was rendered with; the server answers the next one (or, for a page that
   was out of date, 409 with the current view, which is shown with the message). */
function Free2LinkLearner(runtime, element, focusTargets, seq) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".f2l");
  var body = root.querySelector(".f2l-body");
  var live = root.querySelector("[role=status]");
  var busy = false;

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text || ""; }, 50);
  }

  function showError(text) {
    var box = body.querySelector(".f2l-form-error");
    if (box) { box.textContent = text; box.hidden = false; }
    announce(text);
  }

  function focus(selector) {
    var target = selector && body.querySelector(selector);
    if (target) { target.focus(); }
  }

  function send(handler, data) {
    if (busy) { return; }
    busy = true;
    var buttons = body.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    announce(root.getAttribute("data-msg-working"));
    var request = {};
    Object.keys(data || {}).forEach(function (key) { request[key] = data[key]; });
    request.seq = seq;
    Free2LinkPost(runtime, element, handler, request).then(function (answer) {
      if (typeof answer.json.seq === "number") { seq = answer.json.seq; }
      if (!answer.ok && typeof answer.json.html === "string") {
        body.innerHTML = answer.json.html;
        buttons = body.querySelectorAll("button");
      }
      if (!answer.ok) { throw new Error(answer.json.error || root.getAttribute("data-msg-error")); }
      body.innerHTML = answer.json.html;
      announce(answer.json.announce || "");
      focus(focusTargets[answer.json.focus]);
    }).catch(function (error) {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      showError(error instanceof TypeError ? root.getAttribute("data-msg-offline") : error.message);
    }).then(function () { busy = false; });
  }

  return {root: root, body: body, send: send, announce: announce, showError: showError, focus: focus};
}
