/* Learner view of f2l_red_flags: every clause of the text is a toggle button (aria-pressed), chosen with a
   click, a tap, or Tab then Space/Enter; a live line counts the selection; submit; try again while attempts
   remain. The page knows only the clauses' numbers: which are red flags is decided on the server. */
function Free2LinkRedFlags(runtime, element, args) {
  "use strict";
  var learner = Free2LinkLearner(runtime, element, {result: ".f2l-result", form: ".f2l-unit"}, args.seq);
  var body = learner.body;
  var PRESSED = '.f2l-unit[aria-pressed="true"]';

  function count() {
    var line = body.querySelector(".f2l-rf__count");
    if (!line) { return; }
    var texts = JSON.parse(line.getAttribute("data-counts"));
    line.textContent = texts[Math.min(body.querySelectorAll(PRESSED).length, texts.length - 1)];
  }

  function toggle(unit) {
    unit.setAttribute("aria-pressed", unit.getAttribute("aria-pressed") === "true" ? "false" : "true");
    var error = body.querySelector(".f2l-form-error");
    if (error) { error.hidden = true; }
    count();
  }

  function unitOf(event) {
    var unit = event.target.closest && event.target.closest(".f2l-unit[aria-pressed]");
    return unit && body.contains(unit) ? unit : null;
  }

  body.addEventListener("click", function (event) {
    var unit = unitOf(event);
    if (unit) { toggle(unit); return; }
    var button = event.target.closest("[data-action]");
    if (button && body.contains(button)) { learner.send(button.getAttribute("data-action"), {}); }
  });

  body.addEventListener("keydown", function (event) {
    var unit = unitOf(event);
    if (unit && (event.key === " " || event.key === "Enter" || event.key === "Spacebar")) {
      event.preventDefault();
      toggle(unit);
    }
  });

  body.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var chosen = Array.prototype.map.call(form.querySelectorAll(PRESSED), function (unit) {
      return Number(unit.getAttribute("data-unit"));
    });
    if (!chosen.length) {
      learner.showError(form.getAttribute("data-msg-empty"));
      learner.focus(".f2l-unit");
      return;
    }
    learner.send("submit", {selected: chosen, version: form.getAttribute("data-version")});
  });
}
