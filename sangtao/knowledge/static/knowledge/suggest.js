// Reuse before reinvention: as a unit drafts, lists what other units did that looks like the draft.
// The server renders the panel from the saved draft; this updates it from /api/v1/knowledge/suggestions
// 400 ms after the person stops typing. Only the short status line is a live region, so a screen
// reader hears "3 similar pieces of work" rather than the whole list; the list is plain links.
(function () {
  "use strict";
  var panel = document.querySelector("[data-suggest-url]");
  if (!panel || !window.fetch || !window.URLSearchParams) { return; }
  var status = panel.querySelector("[data-suggest-status]");
  var list = panel.querySelector("[data-suggest-list]");
  var lessonsLabel = panel.querySelector("[data-suggest-lessons-label]").textContent;
  var title = document.getElementById(panel.getAttribute("data-title-field"));
  var problems = (panel.getAttribute("data-problem-fields") || "").split(" ").map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);
  var timer = null;
  var controller = null;
  var last = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function link(text, url) {
    if (!url) { return element("strong", "", text); }
    var a = element("a", "", text);
    a.href = url;
    return a;
  }

  function render(data) {
    list.textContent = "";
    data.items.forEach(function (item) {
      var li = element("li");
      var head = element("p", "suggest-head");
      head.appendChild(element("span", "tag", item.kind_label));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(link(item.title, item.url));
      li.appendChild(head);
      li.appendChild(element("p", "meta", item.unit));
      if (item.excerpt) { li.appendChild(element("p", "suggest-excerpt", item.excerpt)); }
      if (item.lessons.length) {
        li.appendChild(element("p", "meta", lessonsLabel));
        var ul = element("ul", "suggest-lessons");
        item.lessons.forEach(function (lesson) {
          var entry = element("li");
          entry.appendChild(link(lesson.title, lesson.url));
          if (lesson.text) { entry.appendChild(document.createTextNode(": " + lesson.text)); }
          ul.appendChild(entry);
        });
        li.appendChild(ul);
      }
      list.appendChild(li);
    });
    status.textContent = data.message;
  }

  function ask() {
    var problem = problems.map(function (field) { return field.value; }).join("\n").slice(0, 4000);
    var text = (title ? title.value : "").slice(0, 300);
    var query = new URLSearchParams({kind: panel.getAttribute("data-kind"), title: text, problem: problem});
    ["unit", "record"].forEach(function (name) {
      var value = panel.getAttribute("data-" + name);
      if (value) { query.set(name, value); }
    });
    var url = panel.getAttribute("data-suggest-url") + "?" + query.toString();
    if (url === last || !(text.trim() || problem.trim())) { return; }
    last = url;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(url, {credentials: "same-origin", signal: controller ? controller.signal : undefined,
                headers: {"Accept": "application/json", "Accept-Language": document.documentElement.lang || "vi"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { /* aborted by a newer request, or offline: keep what is shown */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 400);
  }

  [title].concat(problems).forEach(function (field) {
    if (field) { field.addEventListener("input", later); }
  });
  var unitField = document.getElementById(panel.getAttribute("data-unit-field") || "");
  if (unitField) {
    unitField.addEventListener("change", function () { panel.setAttribute("data-unit", unitField.value); later(); });
  }
}());
