/* Learner view of f2l_scenario. The server renders every state; this script only sends the
   learner's move and swaps in the HTML it gets back, then moves focus and announces. */
function Free2LinkScenario(runtime, element, args) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".f2l-scenario");
  var body = root.querySelector(".f2l-scenario__body");
  var live = root.querySelector("[role=status]");
  var busy = false;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text || ""; }, 50);
  }

  function showError(text) {
    var box = body.querySelector(".f2l-form-error");
    if (box) { box.textContent = text; box.hidden = false; }
    announce(text);
  }

  function focusAfter(kind) {
    var target = body.querySelector(kind === "feedback" ? ".f2l-feedback" : ".f2l-step__title, .f2l-end__title");
    if (target) { target.focus(); }
  }

  function send(handler, data) {
    if (busy) { return; }
    busy = true;
    var buttons = body.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    announce(root.getAttribute("data-msg-working"));
    fetch(runtime.handlerUrl(element, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"},
      body: JSON.stringify(data || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) { throw new Error(json.error || root.getAttribute("data-msg-error")); }
        body.innerHTML = json.html;
        announce(json.announce || "");
        focusAfter(json.focus);
      });
    }).catch(function (error) {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      showError(error instanceof TypeError ? root.getAttribute("data-msg-offline") : error.message);
    }).then(function () { busy = false; });
  }

  body.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var picked = form.querySelector("input[type=radio]:checked");
    if (!picked) {
      showError(root.getAttribute("data-msg-choose"));
      var first = form.querySelector("input[type=radio]");
      if (first) { first.focus(); }
      return;
    }
    send("choose", {step: form.getAttribute("data-step"), choice: picked.value,
                    version: form.getAttribute("data-version")});
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && body.contains(button)) { send(button.getAttribute("data-action"), {}); }
  });
}
