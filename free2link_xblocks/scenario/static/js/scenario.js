/* Learner view of f2l_scenario: pick one option and confirm; continue, go back, try again. */
function Free2LinkScenario(runtime, element, args) {
  "use strict";
  var learner = Free2LinkLearner(runtime, element, {
    feedback: ".f2l-feedback",
    step: ".f2l-step__title, .f2l-end__title"
  }, args.seq);
  var body = learner.body;

  body.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var picked = form.querySelector("input[type=radio]:checked");
    if (!picked) {
      learner.showError(learner.root.getAttribute("data-msg-choose"));
      var first = form.querySelector("input[type=radio]");
      if (first) { first.focus(); }
      return;
    }
    learner.send("choose", {step: form.getAttribute("data-step"), choice: picked.value,
                            version: form.getAttribute("data-version")});
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && body.contains(button)) { learner.send(button.getAttribute("data-action"), {}); }
  });
}
