/* Studio editor of every Free2Link block: settings and the content's OLX, validated on the server.
   Needs common/static/js/free2link.js (Free2LinkPost). */
function Free2LinkStudio(runtime, element) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".f2l-studio");
  var form = root.querySelector("form");
  var errors = root.querySelector(".f2l-studio__errors");
  var summary = root.querySelector(".f2l-studio__summary");

  function showErrors(list) {
    errors.innerHTML = "";
    if (!list.length) { return; }
    var heading = document.createElement("p");
    heading.textContent = root.getAttribute("data-msg-errors");
    errors.appendChild(heading);
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
    var data = {olx: form.elements.olx.value};
    Array.prototype.forEach.call(form.querySelectorAll("[data-kind]"), function (field) {
      data[field.name] = field.getAttribute("data-kind") === "flag" ? field.checked : field.value;
    });
    if (runtime.notify) { runtime.notify("save", {state: "start", message: root.getAttribute("data-msg-saving")}); }
    Free2LinkPost(runtime, element, "studio_submit", data).then(function (answer) {
      if (!answer.ok) {
        var problems = (answer.json.error || root.getAttribute("data-msg-error")).split("\n");
        showErrors(problems);
        if (runtime.notify) { runtime.notify("error", {title: root.getAttribute("data-msg-error"), message: problems.join("\n")}); }
        return;
      }
      showErrors([]);
      summary.textContent = answer.json.summary || "";
      if (runtime.notify) { runtime.notify("save", {state: "end"}); }
    }).catch(function () {
      showErrors([root.getAttribute("data-msg-error")]);
    });
  });

  root.querySelector("[data-action=cancel]").addEventListener("click", function () {
    if (runtime.notify) { runtime.notify("cancel", {}); }
  });
}
