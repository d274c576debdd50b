/* Studio editor of every Free2Link block: a form for the content, an "Edit OLX" mode and a preview.
   The server decides what is valid (studio_validate, as the author types, and studio_submit); this
   script only keeps the form's state, draws it, and puts each problem next to its field.
   Needs common/static/js/free2link.js (Free2LinkPost). Every text comes translated from the server. */
function Free2LinkStudio(runtime, element, args) {
  "use strict";
  var root = (element.jquery ? element[0] : element).querySelector(".f2l-studio");
  var uid = root.id.replace(/-studio$/, "");
  var data = JSON.parse(document.getElementById(uid + "-studio-data").textContent);
  var M = data.messages;
  var isScenario = data.kind === "f2l_scenario";
  var isRedFlags = data.kind === "f2l_red_flags";
  var sayTimer = null; // an announcement of say() still waiting to be written
  var lastText = null; // the text box of the red flags' text that the author last selected in
  var form = root.querySelector("form");
  var editor = root.querySelector("[data-editor]");
  var outline = root.querySelector("[data-outline]");
  var problemsBox = root.querySelector(".f2l-studio__problems");
  var status = root.querySelector(".f2l-studio__status");
  var olx = form.elements.olx;
  var dialog = root.querySelector("dialog");
  var previewBox = root.querySelector("[data-preview]");
  var previewPicker = root.querySelector("[data-preview-picker]");
  var previewSelect = previewPicker.querySelector("select");
  var keyCounter = 0;
  var state = load(data.form);
  var source = "form"; // what the server reads: the form's state or the OLX textarea
  var validateTimer = null;
  var validateSeq = 0;
  var lastProblems = [];
  var collapsed = typeof WeakSet === "function" ? new WeakSet() : null; // steps, ends, indicators shown folded
  foldLongLists();

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function fid(path) { return uid + "-f-" + path.replace(/\./g, "-"); }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  // ---------------------------------------------------------------- state
  // Choices point at steps by a key of their own, so renaming an id never loses a link.

  function load(formData) {
    var s = copy(formData);
    if (!isScenario) { return s; }
    var keyOf = {};
    s.nodes.forEach(function (node) {
      node._key = "k" + (++keyCounter);
      if (!(node.id in keyOf)) { keyOf[node.id] = node._key; }
    });
    s.nodes.forEach(function (node) {
      (node.choices || []).forEach(function (choice) { linkChoice(choice, keyOf); });
    });
    s._start = s.start ? (keyOf[s.start] || null) : null;
    return s;
  }

  /* A long list opens folded, so that the form is a list of titles to open one by one. */
  function foldLongLists() {
    var list = isScenario ? state.nodes : (isRedFlags ? state.feedback : state.indicators);
    if (collapsed && list.length > 3) { list.forEach(function (item) { collapsed.add(item); }); }
  }

  function linkChoice(choice, keyOf) {
    choice._target = keyOf[choice.next] || null;
    choice._missing = choice._target ? "" : choice.next;
  }

  function nodeByKey(key) {
    return state.nodes.filter(function (n) { return n._key === key; })[0] || null;
  }

  function plain(object) {
    var out = {};
    Object.keys(object).forEach(function (name) { if (name.charAt(0) !== "_") { out[name] = object[name]; } });
    return copy(out);
  }

  function serialize() {
    if (!isScenario) { return plain(state); }
    var start = state._start && nodeByKey(state._start);
    return {
      start: start ? start.id : "",
      harmful_cap: state.harmful_cap || "",
      nodes: state.nodes.map(function (node) {
        var out = plain(node);
        if (node.kind === "step") {
          out.choices = node.choices.map(function (choice) {
            var item = plain(choice);
            var target = choice._target && nodeByKey(choice._target);
            item.next = target ? target.id : (choice._missing || "");
            return item;
          });
        }
        return out;
      })
    };
  }

  function lookup(path) {
    var parts = path.split(".");
    var holder = state;
    for (var i = 0; i < parts.length - 1; i++) {
      holder = holder && holder[parts[i]];
    }
    return holder ? {holder: holder, name: parts[parts.length - 1]} : null;
  }

  /* stem + a number above every number already used with that stem (a removed id is not reused,
     so a learner's saved path never points at a different choice). */
  function unusedId(stem, taken) {
    var highest = 0;
    taken.forEach(function (id) {
      var match = typeof id === "string" && id.indexOf(stem) === 0 && /^\d+$/.test(id.slice(stem.length));
      if (match) { highest = Math.max(highest, Number(id.slice(stem.length))); }
    });
    return stem + (highest + 1);
  }

  function ids(list) { return list.map(function (item) { return item.id; }); }

  function newItem(what, list) {
    switch (what) {
      case "step":
        return {_key: "k" + (++keyCounter), kind: "step", id: unusedId("s", ids(state.nodes)), title: "",
                parts: [{kind: "text", markup: ""}], choices: [newItem("choice", [])]};
      case "end":
        return {_key: "k" + (++keyCounter), kind: "end", id: unusedId("end", ids(state.nodes)), title: "",
                outcome: "", points: "0", parts: [{kind: "text", markup: ""}]};
      case "choice":
        return {id: unusedId("c", ids(list)), label: "", feedback: "", points: "0", quality: "", _target: null,
                _missing: ""};
      case "text": return {kind: "text", markup: ""};
      case "chat": return {kind: "chat", platform: "", messages: [newItem("message")]};
      case "advert": return {kind: "advert", source: "", title: "", markup: ""};
      case "message": return {from: "", time: "", self: false, markup: ""};
      default:
        return {id: unusedId("indicator", ids(list)), label: "", present: false, strength: "", feedback: "",
                feedback_selected: "", feedback_missed: ""};
    }
  }

  function duplicateOf(item, list) {
    var twin = copy(item);
    Object.keys(item).forEach(function (name) { if (name.charAt(0) === "_") { twin[name] = item[name]; } });
    if (twin.choices) {
      twin.choices.forEach(function (choice, i) {
        choice._target = item.choices[i]._target;
        choice._missing = item.choices[i]._missing;
      });
    }
    if (item._key) { twin._key = "k" + (++keyCounter); }
    if (typeof item.id === "string" && list.length && typeof list[0].id === "string") {
      twin.id = unusedId(item.id + "_", ids(list));
    }
    return twin;
  }

  // ---------------------------------------------------------------- drawing

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; } else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function field(path, label, kind, value, extra) {
    extra = extra || {};
    var id = fid(path);
    var help = extra.help ? el("p", {"class": "f2l-studio__help", id: id + "-help", text: extra.help}) : null;
    var attrs = {id: id, "data-path": path, "data-kind": kind, "aria-describedby": help ? id + "-help" : null};
    var control;
    if (kind === "textarea") {
      control = el("textarea", Object.assign(attrs, {rows: extra.rows || 3}));
      control.value = value || "";
    } else if (kind === "select" || kind === "target") {
      control = el("select", attrs);
      fillSelect(control, kind === "target" ? currentTarget(value) : extra.options, value || "");
    } else if (kind === "flag") {
      control = el("input", Object.assign(attrs, {type: "checkbox", checked: !!value}));
    } else {
      control = el("input", Object.assign(attrs, {type: "text", value: value || "",
                                                  inputmode: kind === "number" ? "numeric" : null}));
    }
    var labelNode = el("label", {"for": id, text: label});
    var wrap = el("div", {"class": "f2l-studio__field f2l-studio__field--" + kind},
                  kind === "flag" ? [control, labelNode, help] : [labelNode, control, help]);
    return wrap;
  }

  function fillSelect(select, options, value) {
    select.innerHTML = "";
    options.forEach(function (option) {
      if (option.group) {
        var group = el("optgroup", {label: option.group});
        option.options.forEach(function (o) { group.appendChild(el("option", {value: o[0], text: o[1]})); });
        if (option.options.length) { select.appendChild(group); }
      } else {
        select.appendChild(el("option", {value: option[0], text: option[1]}));
      }
    });
    select.value = value;
  }

  function nodeOption(node) {
    return [node._key, format(M.target_option, {id: node.id, title: node.title})];
  }

  function targetOptions(value, exceptKey) {
    var others = state.nodes.filter(function (n) { return n._key !== exceptKey; });
    var options = [["", M.next_none]];
    if (value && value.indexOf("missing:") === 0) {
      options.push([value, format(M.next_missing, {id: value.slice(8)})]);
    }
    options.push({group: M.steps_group, options: others.filter(function (n) { return n.kind === "step"; }).map(nodeOption)});
    options.push({group: M.ends_group, options: others.filter(function (n) { return n.kind === "end"; }).map(nodeOption)});
    return options;
  }

  /* A choice's list of targets holds only its current target until it gets focus: a scenario of
     hundreds of steps would otherwise need hundreds of options for every choice. */
  function currentTarget(value) {
    var node = value && nodeByKey(value);
    var options = [["", M.next_none]];
    if (node) { options.push(nodeOption(node)); }
    if (value && value.indexOf("missing:") === 0) { options.push([value, format(M.next_missing, {id: value.slice(8)})]); }
    return options;
  }

  function labelled(map, none) {
    return [["", none]].concat(Object.keys(map).map(function (k) { return [k, map[k]]; }));
  }

  function tools(path, index, count) {
    return el("div", {"class": "f2l-item__tools"}, [
      el("button", {type: "button", "class": "f2l-button f2l-button--small", "data-action": "up", "data-path": path,
                    disabled: index === 0, text: M.move_up}),
      el("button", {type: "button", "class": "f2l-button f2l-button--small", "data-action": "down",
                    "data-path": path, disabled: index === count - 1, text: M.move_down}),
      el("button", {type: "button", "class": "f2l-button f2l-button--small", "data-action": "duplicate",
                    "data-path": path, text: M.duplicate}),
      el("button", {type: "button", "class": "f2l-button f2l-button--small", "data-action": "remove",
                    "data-path": path, text: M.remove})
    ]);
  }

  /* An item of a list; a step, an end or an indicator (``holder``) can be folded to its legend. */
  function item(path, legend, index, count, body, extraClass, holder, title) {
    var id = fid(path);
    var folded = !!(holder && collapsed && collapsed.has(holder));
    var legendNode = holder
      ? el("legend", {"class": "f2l-item__legend"}, [
          el("button", {type: "button", "class": "f2l-item__toggle", "data-action": "toggle", "data-toggle": path,
                        "aria-expanded": folded ? "false" : "true", "aria-controls": id + "-body",
                        "data-legend": legend, text: titled(legend, title)}),
          el("span", {"class": "f2l-item__count", id: id + "-count", hidden: true})])
      : el("legend", {"class": "f2l-item__legend", text: legend});
    var toolsNode = tools(path, index, count);
    toolsNode.hidden = folded;
    var classes = "f2l-item " + (extraClass || "") + (holder ? " f2l-item--foldable" : "") + (folded ? " f2l-item--folded" : "");
    return el("fieldset", {"class": classes, id: id, tabindex: "-1", "data-path": path},
              [legendNode, el("div", {"class": "f2l-item__errors", id: id + "-errors", hidden: true}),
               el("div", {"class": "f2l-item__body", id: id + "-body", hidden: folded}, body), toolsNode]);
  }

  function setFolded(box, fold) {
    var toggle = box.querySelector(":scope > legend > .f2l-item__toggle");
    if (!toggle) { return; }
    var spot = lookup(box.getAttribute("data-path"));
    var holder = spot && spot.holder[spot.name];
    if (collapsed && holder) { if (fold) { collapsed.add(holder); } else { collapsed.delete(holder); } }
    toggle.setAttribute("aria-expanded", fold ? "false" : "true");
    box.classList.toggle("f2l-item--folded", fold);
    box.querySelector(":scope > .f2l-item__body").hidden = fold;
    box.querySelector(":scope > .f2l-item__tools").hidden = fold;
  }

  /* Unfold the items around ``target`` and show its tab, so that focus can go there. */
  function reveal(target) {
    for (var box = target.closest(".f2l-item"); box; box = box.parentNode.closest(".f2l-item")) {
      setFolded(box, false);
    }
    var panel = target.closest("[data-panel]");
    if (panel && panel.hidden) { openTab(panel.getAttribute("data-panel"), false); }
  }

  function addButtons(listPath, whats) {
    return el("div", {"class": "f2l-item__add"}, whats.map(function (what) {
      return el("button", {type: "button", "class": "f2l-button", "data-action": "add", "data-list": listPath,
                           "data-what": what, text: M["add_" + what]});
    }));
  }

  function listBox(path, items, whats, legend) {
    var children = [el("div", {"class": "f2l-item__errors", id: fid(path) + "-errors", hidden: true})];
    if (!items.length) { children.push(el("p", {"class": "f2l-studio__help", text: M.empty})); }
    var box = el(legend ? "fieldset" : "div", {"class": "f2l-list", id: fid(path), tabindex: "-1", "data-path": path},
                 (legend ? [el("legend", {"class": "f2l-list__legend", text: legend})] : []).concat(children, items,
                 [addButtons(path, whats)]));
    return box;
  }

  function parts(path, list, legend) {
    return listBox(path, list.map(function (part, i) {
      var here = path + "." + i;
      var body;
      if (part.kind === "chat") {
        body = [field(here + ".platform", M.platform_label, "text", part.platform),
                listBox(here + ".messages", part.messages.map(function (message, m) {
                  var at = here + ".messages." + m;
                  return item(at, format(M.message_legend, {number: m + 1}), m, part.messages.length, [
                    field(at + ".from", M.from_label, "text", message.from),
                    field(at + ".time", M.time_label, "text", message.time),
                    field(at + ".self", M.self_label, "flag", message.self),
                    field(at + ".markup", M.message_label, "textarea", message.markup, {rows: 2, help: M.markup_help})
                  ]);
                }), ["message"])];
      } else if (part.kind === "advert") {
        body = [field(here + ".title", M.advert_title_label, "text", part.title),
                field(here + ".source", M.source_label, "text", part.source),
                field(here + ".markup", M.advert_text_label, "textarea", part.markup, {help: M.markup_help})];
      } else {
        body = [field(here + ".markup", M.text_label, "textarea", part.markup, {rows: 4, help: M.markup_help})];
      }
      return item(here, M[part.kind + "_legend"], i, list.length, body, "f2l-item--part");
    }), ["text", "chat", "advert"], legend);
  }

  function titled(legend, title) { return title ? legend + " \u2014 " + title : legend; }

  function plainText(markup) {
    var text = (markup || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    return text.length > 60 ? text.slice(0, 59) + "\u2026" : text;
  }

  function drawScenario() {
    var steps = state.nodes.filter(function (n) { return n.kind === "step"; });
    var startOptions = [["", M.start_default]].concat(steps.map(nodeOption));
    var nodes = state.nodes.map(function (node, i) {
      var path = "nodes." + i;
      var number = state.nodes.slice(0, i + 1).filter(function (n) { return n.kind === node.kind; }).length;
      var body = [field(path + ".id", M.id_label, "text", node.id, {help: M.id_help}),
                  field(path + ".title", M.title_label, "text", node.title)];
      if (node.kind === "end") {
        body.push(field(path + ".outcome", M.outcome_label, "select", node.outcome,
                        {options: labelled(data.labels.outcome, M.not_rated)}));
        body.push(field(path + ".points", M.end_points_label, "number", node.points, {help: M.end_points_help}));
        body.push(parts(path + ".parts", node.parts, M.debrief_legend));
      } else {
        body.push(parts(path + ".parts", node.parts, M.narrative_legend));
        body.push(listBox(path + ".choices", node.choices.map(function (choice, c) {
          var at = path + ".choices." + c;
          var target = choice._target || (choice._missing ? "missing:" + choice._missing : "");
          return item(at, format(M.choice_legend, {number: c + 1}), c, node.choices.length, [
            field(at + ".label", M.choice_label, "textarea", choice.label, {rows: 2, help: M.markup_help}),
            field(at + ".next", M.next_label, "target", target),
            field(at + ".points", M.points_label, "number", choice.points),
            field(at + ".quality", M.quality_label, "select", choice.quality,
                  {options: labelled(data.labels.quality, M.not_rated)}),
            field(at + ".feedback", M.feedback_label, "textarea", choice.feedback, {help: M.markup_help})
          ], "f2l-item--choice");
        }), ["choice"], M.choices_legend));
      }
      var legend = format(node.kind === "end" ? M.end_legend : M.step_legend, {number: number});
      return item(path, legend, i, state.nodes.length, body, "f2l-item--" + node.kind, node, node.title);
    });
    var start = state._start || "";
    return [field("start", M.start_label, "select", start, {options: startOptions}),
            field("harmful_cap", M.harmful_cap_label, "number", state.harmful_cap || "", {help: M.harmful_cap_help}),
            el("h2", {"class": "f2l-studio__heading", text: M.nodes_heading}),
            listBox("nodes", nodes, ["step", "end"])];
  }

  function drawQuiz() {
    var indicators = state.indicators.map(function (indicator, i) {
      var path = "indicators." + i;
      return item(path, format(M.indicator_legend, {number: i + 1}), i, state.indicators.length, [
        field(path + ".id", M.id_label, "text", indicator.id, {help: M.id_help}),
        field(path + ".label", M.indicator_label, "textarea", indicator.label, {rows: 2, help: M.markup_help}),
        field(path + ".present", M.present_label, "flag", indicator.present),
        field(path + ".strength", M.strength_label, "select", indicator.strength,
              {options: labelled(data.labels.strength, M.not_rated)}),
        field(path + ".feedback", M.feedback_any, "textarea", indicator.feedback, {help: M.markup_help}),
        field(path + ".feedback_selected", M.feedback_selected, "textarea", indicator.feedback_selected, {rows: 2}),
        field(path + ".feedback_missed", M.feedback_missed, "textarea", indicator.feedback_missed, {rows: 2})
      ], "f2l-item--indicator", indicator, plainText(indicator.label));
    });
    return [parts("case", state.case, M.case_legend),
            field("prompt", M.prompt_label, "text", state.prompt),
            listBox("indicators", indicators, ["indicator"]),
            field("explanation", M.explanation_label, "textarea", state.explanation, {rows: 4, help: M.markup_help})];
  }

  /* Red flags: the text keeps its <flag> marks inline; selecting words in a text box and pressing "Mark as
     red flag" wraps them in a new flag and adds its feedback below (the server checks the edges). */
  function drawRedFlags() {
    var feedback = state.feedback.map(function (entry, i) {
      var path = "feedback." + i;
      return item(path, format(M.rf_feedback_legend, {id: entry["for"]}), i, state.feedback.length, [
        field(path + ".for", M.rf_for_label, "text", entry["for"], {help: M.rf_for_help}),
        field(path + ".strength", M.strength_label, "select", entry.strength,
              {options: labelled(data.labels.strength, M.not_rated)}),
        field(path + ".source", M.rf_source_label, "text", entry.source),
        field(path + ".feedback", M.rf_why_label, "textarea", entry.feedback, {rows: 3, help: M.markup_help})
      ], "f2l-item--feedback", entry, entry["for"]);
    });
    var marker = el("div", {"class": "f2l-studio__marker", role: "group", "aria-labelledby": uid + "-mark-help"}, [
      el("p", {"class": "f2l-studio__help", id: uid + "-mark-help", text: M.rf_mark_help}),
      el("p", {"class": "f2l-studio__help", text: M.rf_paragraphs_help}),
      el("p", {"class": "f2l-studio__help", text: M.rf_scoring_help}),
      el("button", {type: "button", "class": "f2l-button f2l-button--primary", "data-action": "mark",
                    "data-mark": "flag", text: M.rf_mark_flag}),
      el("button", {type: "button", "class": "f2l-button", "data-action": "mark", "data-mark": "phrase",
                    text: M.rf_mark_phrase})]);
    return [parts("intro", state.intro, M.rf_intro_legend),
            field("prompt", M.prompt_label, "text", state.prompt),
            parts("text", state.text, M.rf_text_legend), marker,
            listBox("feedback", feedback, [], M.rf_feedbacks_legend),
            field("explanation", M.explanation_label, "textarea", state.explanation, {rows: 4, help: M.markup_help})];
  }

  /* Wrap the words selected in the last text box used in <flag id="flagN"> (or <phrase>), add its feedback. */
  function markSelection(kind) {
    var box = lastText && editor.contains(lastText) ? lastText : null;
    var start = box ? box.selectionStart : 0;
    var end = box ? box.selectionEnd : 0;
    var value = box ? box.value : "";
    while (start < end && /\s/.test(value.charAt(start))) { start++; }
    while (end > start && /\s/.test(value.charAt(end - 1))) { end--; }
    if (start === end) {
      say(M.rf_select_first);
      if (box) { box.focus(); }
      return;
    }
    var taken = state.feedback.map(function (entry) { return entry["for"]; });
    JSON.stringify(state.text).replace(/<(?:flag|phrase) id=\\"([^"\\]*)\\"/g, function (all, used) {
      taken.push(used);
      return all;
    });
    var id = unusedId(kind, taken);
    box.value = value.slice(0, start) + "<" + kind + " id=\"" + id + "\">" + value.slice(start, end) + "</" + kind +
      ">" + value.slice(end);
    setValue(box);
    state.feedback.push({"for": id, strength: "", source: "", feedback: ""});
    changed(format(M.rf_marked, {id: id}));
    focusPath("feedback." + (state.feedback.length - 1) + ".feedback", true);
  }

  function draw() {
    editor.innerHTML = "";
    (isScenario ? drawScenario() : (isRedFlags ? drawRedFlags() : drawQuiz())).forEach(function (node) {
      editor.appendChild(node);
    });
    showProblems(lastProblems, false);
  }

  function refreshTargets() {
    Array.prototype.forEach.call(editor.querySelectorAll("[data-kind=target]"), function (select) {
      fillSelect(select, currentTarget(select.value), select.value);
      select.removeAttribute("data-filled");
    });
    var start = editor.querySelector("[data-path=start]");
    if (start) {
      var steps = state.nodes.filter(function (n) { return n.kind === "step"; });
      fillSelect(start, [["", M.start_default]].concat(steps.map(nodeOption)), start.value);
    }
  }

  // ---------------------------------------------------------------- editing

  function setValue(control) {
    var path = control.getAttribute("data-path");
    var kind = control.getAttribute("data-kind");
    if (path === "start") { state._start = control.value || null; return; }
    var spot = lookup(path);
    if (!spot) { return; }
    if (kind === "target") {
      spot.holder._target = control.value && control.value.indexOf("missing:") !== 0 ? control.value : null;
      if (spot.holder._target || !control.value) { spot.holder._missing = ""; }
    } else {
      spot.holder[spot.name] = kind === "flag" ? control.checked : control.value;
    }
    if (isScenario && /^nodes\.\d+\.(id|title)$/.test(path)) { refreshTargets(); }
    var named = /^((nodes|indicators)\.\d+)\.(title|label)$/.exec(path);
    var toggle = named && editor.querySelector("[data-toggle='" + named[1] + "']");
    if (toggle) {
      toggle.textContent = titled(toggle.getAttribute("data-legend"),
                                  named[2] === "nodes" ? control.value.trim() : plainText(control.value));
    }
  }

  function focusPath(path, preferControl) {
    var box = document.getElementById(fid(path));
    if (!box) { return; }
    var control = preferControl && box.querySelector("input, select, textarea");
    (control || box).focus();
  }

  function act(button) {
    var action = button.getAttribute("data-action");
    if (action === "toggle") {
      setFolded(button.closest(".f2l-item"), button.getAttribute("aria-expanded") === "true");
      return;
    }
    if (action === "mark") {
      markSelection(button.getAttribute("data-mark"));
      return;
    }
    if (action === "add") {
      var listPath = button.getAttribute("data-list");
      var list = lookup(listPath + ".x").holder;
      list.push(newItem(button.getAttribute("data-what"), list));
      changed(M.added);
      focusPath(listPath + "." + (list.length - 1), true);
      return;
    }
    var path = button.getAttribute("data-path");
    var at = path.lastIndexOf(".");
    var container = lookup(path).holder;
    var index = Number(path.slice(at + 1));
    var base = path.slice(0, at + 1);
    if (action === "remove") {
      if (isScenario && /^nodes\.\d+$/.test(path) && incoming(container[index]).length) {
        askWhereTo(container[index], button);
        return;
      }
      removeAt(container, index, base);
    } else if (action === "duplicate") {
      container.splice(index + 1, 0, duplicateOf(container[index], container));
      changed(M.duplicated);
      focusPath(base + (index + 1), true);
    } else {
      var to = action === "up" ? index - 1 : index + 1;
      if (to < 0 || to >= container.length) { return; }
      var moved = container.splice(index, 1)[0];
      container.splice(to, 0, moved);
      changed(M.moved);
      var again = root.querySelector("[data-action=" + action + "][data-path='" + base + to + "']");
      if (again && !again.disabled) { again.focus(); } else { focusPath(base + to, false); }
    }
  }

  function removeAt(container, index, base) {
    var removed = container.splice(index, 1)[0];
    if (isScenario && removed._key && state._start === removed._key) { state._start = null; }
    changed(M.removed);
    if (container.length) {
      focusPath(base + Math.min(index, container.length - 1), false);
    } else {
      var list = document.getElementById(fid(base.slice(0, -1)));
      var add = list && list.querySelector(".f2l-item__add button");
      if (add) { add.focus(); }
    }
  }

  function incoming(node) {
    var found = [];
    state.nodes.forEach(function (other) {
      if (other === node) { return; }
      (other.choices || []).forEach(function (choice) { if (choice._target === node._key) { found.push(choice); } });
    });
    return found;
  }

  function askWhereTo(node, button) {
    var choices = incoming(node);
    var select = dialog.querySelector("select");
    document.getElementById(uid + "-dialog-text").textContent = format(M.target_option, {id: node.id, title: node.title})
      + " \u2014 " + format(M.incoming, {count: choices.length});
    var options = targetOptions("", node._key);
    options[0] = ["", M.retarget_later];  // the safe default: Enter re-points nothing
    fillSelect(select, options, "");
    function close(confirmed) {
      dialog.querySelector("[data-dialog=confirm]").onclick = null;
      dialog.querySelector("[data-dialog=cancel]").onclick = null;
      dialog.oncancel = null;
      dialog.close();
      if (!confirmed) { button.focus(); return; }
      choices.forEach(function (choice) { choice._target = select.value || null; choice._missing = ""; });
      var index = state.nodes.indexOf(node);
      removeAt(state.nodes, index, "nodes.");
    }
    dialog.querySelector("[data-dialog=confirm]").onclick = function () { close(true); };
    dialog.querySelector("[data-dialog=cancel]").onclick = function () { close(false); };
    dialog.oncancel = function (event) { event.preventDefault(); close(false); };
    dialog.showModal();
    select.focus();
  }

  function changed(announcement) {
    source = "form";
    draw();
    if (announcement) { say(announcement); }
    validateSoon(0);
  }

  /* The status line is a live region: emptied, then filled a moment later, so that a repeated text is read again. */
  function say(text) {
    status.textContent = "";
    window.clearTimeout(sayTimer);
    sayTimer = window.setTimeout(function () { sayTimer = null; status.textContent = text; }, 50);
  }

  /* The checker's status ("3 errors to fix…") comes after an announcement still waiting to be said, never
     before it: a fast answer must not be overwritten by "Added.". */
  function showStatus(text) {
    if (sayTimer) {
      window.setTimeout(function () { showStatus(text); }, 60);
    } else if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  // ---------------------------------------------------------------- talking to the server

  function request() {
    var body = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-setting]"), function (control) {
      body[control.name] = control.getAttribute("data-kind") === "flag" ? control.checked : control.value;
    });
    if (source === "olx") { body.olx = olx.value; } else { body.form = serialize(); }
    return body;
  }

  function validateSoon(delay) {
    window.clearTimeout(validateTimer);
    validateTimer = window.setTimeout(function () { validate(); }, delay === undefined ? 400 : delay);
  }

  /* Check the content without saving; resolves to the server's answer (or null). */
  function validate(afterFailedSave) {
    window.clearTimeout(validateTimer);
    var seq = ++validateSeq;
    return Free2LinkPost(runtime, element, "studio_validate", request()).then(function (answer) {
      if (seq !== validateSeq) { return null; }
      if (!answer.ok) {
        showLines([answer.json.error || M.error], afterFailedSave);
        return null;
      }
      lastProblems = answer.json.problems;
      showProblems(lastProblems, afterFailedSave);
      if (answer.json.outline) {
        var hadFocus = outline.contains(document.activeElement) && document.activeElement.getAttribute("href");
        outline.innerHTML = answer.json.outline;
        var current = rove();
        if (hadFocus && current) { rove(hadFocus).focus(); }
      }
      if (!afterFailedSave) { showStatus(answer.json.status); }
      return answer.json;
    }).catch(function () {
      if (seq === validateSeq) { showLines([M.error], afterFailedSave); }
      return null;
    });
  }

  function clearMarks() {
    Array.prototype.forEach.call(root.querySelectorAll(".f2l-studio__error"), function (node) { node.remove(); });
    Array.prototype.forEach.call(root.querySelectorAll("[aria-invalid]"), function (control) {
      control.removeAttribute("aria-invalid");
      var own = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id.indexOf("-problem-") < 0;
      });
      if (own.length) { control.setAttribute("aria-describedby", own.join(" ")); } else {
        control.removeAttribute("aria-describedby");
      }
    });
    Array.prototype.forEach.call(root.querySelectorAll(".f2l-item__errors"), function (box) {
      box.innerHTML = "";
      box.hidden = true;
    });
  }

  function targetOf(path) {
    if (!path) { return source === "olx" ? olx : null; }
    var parts = path.split(".");
    while (parts.length) {
      var found = root.querySelector("[data-path='" + parts.join(".") + "']");
      if (found) { return found; }
      parts.pop();
    }
    return null;
  }

  /* "Step 6 — Her documents, Choice 1, Leads to": every item around the field, then its label. */
  function nameOf(target) {
    if (!target) { return ""; }
    var names = [];
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      var label = root.querySelector("label[for='" + target.id + "']");
      names.push(label ? label.textContent : "");
    }
    for (var box = target.closest("fieldset"); box && root.contains(box); box = box.parentNode.closest("fieldset")) {
      var toggle = box.querySelector(":scope > legend > .f2l-item__toggle");
      var legend = box.querySelector(":scope > legend");
      if (box.matches(".f2l-item")) { names.unshift(toggle ? toggle.textContent : legend ? legend.textContent : ""); }
    }
    return names.filter(Boolean).join(", ");
  }

  function showProblems(problems, afterFailedSave) {
    clearMarks();
    var links = [];
    problems.forEach(function (problem, n) {
      var target = targetOf(problem.path);
      var isControl = target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
      var box = target && (isControl ? target.parentNode : target.querySelector(".f2l-item__errors"));
      if (box) {
        var note = el("p", {"class": "f2l-studio__error" + (problem.severity === "warning" ? " f2l-studio__error--warning" : ""),
                            id: uid + "-problem-" + n, text: problem.message});
        if (isControl) {
          box.appendChild(note);
          if (problem.severity !== "warning") { target.setAttribute("aria-invalid", "true"); }
          target.setAttribute("aria-describedby",
                              ((target.getAttribute("aria-describedby") || "") + " " + note.id).trim());
        } else {
          box.appendChild(note);
          box.hidden = false;
        }
      }
      links.push({text: target && target !== olx ? format(M.problem_at, {field: nameOf(target), message: problem.message})
                  : problem.message, target: target, warning: problem.severity === "warning"});
    });
    countOnFoldedItems();
    drawSummary(links, afterFailedSave);
  }

  /* A folded step, end or indicator says how many errors wait inside it. */
  function countOnFoldedItems() {
    Array.prototype.forEach.call(editor.querySelectorAll(".f2l-item__count"), function (count) {
      var box = count.closest(".f2l-item");
      var errors = box.querySelectorAll(".f2l-studio__error:not(.f2l-studio__error--warning)").length;
      count.textContent = errors ? format(M.item_problems, {count: errors}) : "";
      count.hidden = !errors;
    });
  }

  function showLines(lines, afterFailedSave) {
    clearMarks();
    drawSummary(lines.map(function (text) { return {text: text, target: null}; }), afterFailedSave);
  }

  /* Errors (they stop saving) first, then warnings apart; each links to its field, or to its line of OLX. */
  function drawSummary(links, afterFailedSave) {
    problemsBox.innerHTML = "";
    problemsBox.hidden = !links.length;
    if (!links.length) { return; }
    var errors = links.filter(function (link) { return !link.warning; });
    var warnings = links.filter(function (link) { return link.warning; });
    if (errors.length) {
      problemsBox.appendChild(el("p", {"class": "f2l-studio__problems-heading",
                                       text: afterFailedSave ? M.not_saved_heading : M.problems_heading}));
      problemsBox.appendChild(summaryList(errors));
    }
    if (warnings.length) {
      problemsBox.appendChild(el("p", {"class": "f2l-studio__problems-heading f2l-studio__problems-heading--warning",
                                       text: M.warnings_heading}));
      problemsBox.appendChild(summaryList(warnings));
    }
    problemsBox.classList.toggle("f2l-studio__problems--warnings", !errors.length);
    if (afterFailedSave) { problemsBox.focus(); }
  }

  function summaryList(links) {
    var list = el("ul");
    links.forEach(function (link) {
      var line = link.target === olx && /^(\d+):/.exec(link.text);
      var node;
      if (line) {
        node = el("a", {href: "#" + olx.id, "data-line": line[1], text: link.text});
      } else if (link.target && link.target.id && link.target !== olx) {
        node = el("a", {href: "#" + link.target.id, "data-focus": link.target.id, text: link.text});
      } else {
        node = el("span", {text: link.text});
      }
      list.appendChild(el("li", {}, [node]));
    });
    return list;
  }

  /* Select a line of the OLX text, and scroll it into view. */
  function showLine(number) {
    var lines = olx.value.split("\n");
    var start = lines.slice(0, number - 1).join("\n").length + (number > 1 ? 1 : 0);
    var end = start + (lines[number - 1] || "").length;
    olx.focus();
    olx.setSelectionRange(start, end);
    var height = parseFloat(window.getComputedStyle(olx).lineHeight) || 20;
    olx.scrollTop = Math.max(0, (number - 3) * height);
  }

  // ---------------------------------------------------------------- the outline: one tab stop, arrow keys

  function outlineLinks() { return Array.prototype.slice.call(outline.querySelectorAll("a.f2l-outline__link")); }

  function rove(current) {
    var links = outlineLinks();
    if (!links.length) { return; }
    var kept = current || outline.getAttribute("data-current");
    var on = links.filter(function (a) { return a.getAttribute("href") === kept; })[0] || links[0];
    links.forEach(function (a) { a.tabIndex = a === on ? 0 : -1; });
    outline.setAttribute("data-current", on.getAttribute("href"));
    return on;
  }

  outline.addEventListener("keydown", function (event) {
    var links = outlineLinks();
    var index = links.indexOf(document.activeElement);
    if (index < 0) { return; }
    var next = {ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: links.length - 1}[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    next = Math.max(0, Math.min(links.length - 1, next));
    rove(links[next].getAttribute("href")).focus();
  });
  outline.addEventListener("focusin", function (event) {
    if (event.target.matches("a.f2l-outline__link")) { rove(event.target.getAttribute("href")); }
  });

  function save() {
    if (runtime.notify) { runtime.notify("save", {state: "start", message: M.saving}); }
    window.clearTimeout(validateTimer);
    validateSeq++;
    Free2LinkPost(runtime, element, "studio_submit", request()).then(function (answer) {
      if (!answer.ok) {
        var lines = (answer.json.error || M.error).split("\n");
        if (runtime.notify) { runtime.notify("error", {title: M.error, message: lines.join("\n")}); }
        return validate(true).then(function (result) { if (!result) { showLines(lines, true); } });
      }
      return validate(false).then(function () {
        say(answer.json.summary || "");
        if (runtime.notify) { runtime.notify("save", {state: "end"}); }
      });
    }).catch(function () { showLines([M.error], true); });
  }

  // ---------------------------------------------------------------- modes: form, OLX, preview

  var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));

  function showTab(name, moveFocus) {
    tabs.forEach(function (tab) {
      var on = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && moveFocus) { tab.focus(); }
      root.querySelector("[data-panel=" + tab.getAttribute("data-tab") + "]").hidden = !on;
    });
    drawSummary([], false);
    showProblems(lastProblems, false);
  }

  function openTab(name, moveFocus) {
    var current = root.querySelector("[role=tab][aria-selected=true]").getAttribute("data-tab");
    if (name === current) { return; }
    if (name === "olx" && source === "form") {
      validate(false).then(function (answer) {
        if (answer && answer.olx) { olx.value = answer.olx; }
        showTab("olx", moveFocus);
      });
    } else if (name === "form" && source === "olx") {
      validate(false).then(function (answer) {
        if (!answer || !answer.form) { say(M.fix_olx_first); return; }
        state = load(answer.form);
        foldLongLists();
        source = "form";
        showTab("form", moveFocus);
        draw();
        validate(false);
      });
    } else {
      showTab(name, moveFocus);
      if (name === "preview") { preview(""); }
    }
  }

  function preview(show) {
    var body = request();
    body.show = show;
    Free2LinkPost(runtime, element, "studio_preview", body).then(function (answer) {
      if (!answer.ok) { previewBox.textContent = answer.json.error || M.error; return; }
      previewBox.innerHTML = answer.json.html;
      // A picture of the learner view: nothing in it does anything, and its ids stay its own.
      Array.prototype.forEach.call(previewBox.querySelectorAll("button, input, select, textarea"), function (c) {
        c.disabled = true;
      });
      Array.prototype.forEach.call(previewBox.querySelectorAll("[role=status], [role=alert]"), function (c) {
        c.removeAttribute("role");
        c.removeAttribute("aria-live");
      });
      previewPicker.hidden = !answer.json.options.length;
      fillSelect(previewSelect, answer.json.options.map(function (o) { return [o.value, o.label]; }), answer.json.shown);
    }).catch(function () { previewBox.textContent = M.error; });
  }

  // ---------------------------------------------------------------- events

  root.querySelector("[role=tablist]").addEventListener("keydown", function (event) {
    var index = tabs.indexOf(document.activeElement);
    if (index < 0) { return; }
    var next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    next = (next + tabs.length) % tabs.length;
    openTab(tabs[next].getAttribute("data-tab"), true);  // focus follows once the mode is shown
  });
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { openTab(tab.getAttribute("data-tab"), true); });
  });

  function onEdit(event) {
    var control = event.target;
    if (control === olx) {
      source = "olx";
    } else if (control.hasAttribute("data-path") && !control.hasAttribute("data-setting")) {
      source = "form";
      setValue(control);
    } else if (!control.hasAttribute("data-setting")) {
      return;
    }
    validateSoon();
  }
  form.addEventListener("focusin", function (event) {
    var select = event.target;
    if (/^text\.\d+\.(markup|messages\.\d+\.markup)$/.test(select.getAttribute("data-path") || "")) {
      lastText = select;
    }
    if (select.getAttribute("data-kind") === "target" && !select.hasAttribute("data-filled")) {
      fillSelect(select, targetOptions(select.value), select.value);
      select.setAttribute("data-filled", "");
    }
  });
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  previewSelect.addEventListener("change", function () { preview(previewSelect.value); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });
  previewBox.addEventListener("submit", function (event) { event.preventDefault(); event.stopPropagation(); });

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-focus]");
    if (link && root.contains(link)) {
      event.preventDefault();
      var target = document.getElementById(link.getAttribute("data-focus"));
      if (target) {
        reveal(target);
        target.focus();
        target.scrollIntoView({block: target.matches("fieldset") ? "start" : "center"});
      }
      return;
    }
    var lineLink = event.target.closest("a[data-line]");
    if (lineLink && root.contains(lineLink)) {
      event.preventDefault();
      showLine(Number(lineLink.getAttribute("data-line")));
      return;
    }
    var button = event.target.closest("button[data-action]");
    if (!button || !root.contains(button) || previewBox.contains(button)) { return; }
    if (button.getAttribute("data-action") === "cancel") {
      if (runtime.notify) { runtime.notify("cancel", {}); }
      return;
    }
    act(button);
  });

  draw();
  rove();
  validateSoon(0);
}
