/* Learner view of f2l_indicator_quiz: tick the indicators present and submit; an empty answer
   must be confirmed as "none of them is present"; try again while attempts remain. */
function Free2LinkIndicatorQuiz(runtime, element, args) {
  "use strict";
  var learner = Free2LinkLearner(runtime, element, {
    result: ".f2l-result",
    form: ".f2l-choices__input"
  }, args.seq);
  var body = learner.body;

  function answer(form, none) {
    var ticked = form.querySelectorAll("input[type=checkbox]:checked");
    learner.send("submit", {
      selected: Array.prototype.map.call(ticked, function (box) { return box.value; }),
      none: none,
      version: form.getAttribute("data-version")
    });
  }

  function confirmPanel(show) {
    var panel = body.querySelector(".f2l-confirm");
    panel.hidden = !show;
    if (show) {
      panel.querySelector(".f2l-confirm__text").focus();
    } else {
      learner.focus(".f2l-choices__input");
    }
  }

  body.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    if (!form.querySelector("input[type=checkbox]:checked")) {
      confirmPanel(true);
      return;
    }
    answer(form, false);
  });

  body.addEventListener("change", function () {
    var panel = body.querySelector(".f2l-confirm");
    if (panel) { panel.hidden = true; }
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button || !body.contains(button)) { return; }
    var action = button.getAttribute("data-action");
    if (action === "confirm-none") {
      answer(button.closest("form"), true);
    } else if (action === "cancel-none") {
      confirmPanel(false);
    } else {
      learner.send(action, {});
    }
  });
}
