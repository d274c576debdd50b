/* Studio editor of f2l_scenario: settings and the scenario's OLX, validated on the server. */
function Free2LinkScenarioStudio(runtime, element) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".f2l-studio");
  var form = root.querySelector("form");
  var errors = root.querySelector(".f2l-studio__errors");
  var summary = root.querySelector(".f2l-studio__summary");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showErrors(list) {
    errors.innerHTML = "";
    if (!list.length) { return; }
    var ul = document.createElement("ul");
    list.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
    errors.appendChild(ul);
    errors.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = {
      display_name: form.elements.display_name.value,
      weight: form.elements.weight.value,
      max_attempts: form.elements.max_attempts.value,
      allow_back: form.elements.allow_back.checked,
      olx: form.elements.olx.value
    };
    if (runtime.notify) { runtime.notify("save", {state: "start", message: root.getAttribute("data-msg-saving")}); }
    fetch(runtime.handlerUrl(element, "studio_submit"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var problems = (json.error || root.getAttribute("data-msg-error")).split("\n");
          showErrors(problems);
          if (runtime.notify) { runtime.notify("error", {title: root.getAttribute("data-msg-error"), message: problems.join("\n")}); }
          return;
        }
        showErrors([]);
        summary.textContent = json.summary || "";
        if (runtime.notify) { runtime.notify("save", {state: "end"}); }
      });
    }).catch(function () {
      showErrors([root.getAttribute("data-msg-error")]);
    });
  });

  root.querySelector("[data-action=cancel]").addEventListener("click", function () {
    if (runtime.notify) { runtime.notify("cancel", {}); }
  });
}
