/* Forms that guide (progressive enhancement; every form works without this file).
   - amounts (input[data-money]) are regrouped with the page language's thousands separator;
   - a total (input[data-total-of=NAME]) shows the sum of input[data-sum=NAME] as the person types;
   - a long picker (select[data-searchable]: units, people, organisations; every select of more than
     15 choices is marked by the widget template) gets a filter box;
   - a long form's sections (form[data-sections]) each show whether their required fields are filled. */
(function () {
  "use strict";
  var english = (document.documentElement.lang || "vi").indexOf("en") === 0;
  var sep = english ? "," : ".";

  function digits(text) {
    var clean = String(text || "").replace(/VND|VNĐ|đ|\s/g, "");
    if (/^\d{1,3}([.,]\d{3})+$/.test(clean)) { clean = clean.replace(/[.,]/g, ""); }
    return /^\d+$/.test(clean) ? clean : null;
  }
  function group(d) { return d.replace(/\B(?=(\d{3})+(?!\d))/g, sep); }

  function sums(name) {
    var total = 0, any = false;
    document.querySelectorAll('input[data-sum="' + name + '"]').forEach(function (input) {
      var d = digits(input.value);
      if (d !== null) { total += Number(d); any = true; }
    });
    document.querySelectorAll('[data-total-of="' + name + '"]').forEach(function (target) {
      if (!any) { return; }
      target.value = group(String(total));
      var note = document.getElementById(target.id + "-computed");
      if (note) { note.textContent = note.getAttribute("data-label") + " " + group(String(total)); }
    });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-sum]")) { sums(input.getAttribute("data-sum")); }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-money]")) {
      var d = digits(input.value);
      if (d !== null) { input.value = group(d); }
    }
    if (input.closest && input.closest("form[data-sections]")) { summarise(input.closest("form[data-sections]")); }
  });

  function filled(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.checked; }
    if (field.tagName === "SELECT" && field.multiple) { return field.selectedOptions.length > 0; }
    return String(field.value || "").trim() !== "";
  }
  function summarise(form) {
    form.querySelectorAll("fieldset[data-section]").forEach(function (section) {
      var fields = Array.prototype.filter.call(
        section.querySelectorAll("input, select, textarea"),
        function (f) { return f.type !== "hidden" && f.type !== "search" && !f.disabled; });
      var done = 0, missing = 0;
      fields.forEach(function (f) {
        if (filled(f)) { done += 1; } else if (f.required) { missing += 1; }
      });
      var status = document.querySelector('[data-status-of="' + section.id + '"]');
      if (status && !section.querySelector(".has-error")) {
        var complete = missing === 0 && done > 0;
        status.textContent = complete ? status.getAttribute("data-done") : status.getAttribute("data-todo")
          .replace("{done}", done).replace("{total}", fields.length);
        status.className = "tag " + (complete ? "done" : "todo");
      }
    });
  }

  function searchable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.id = select.id + "-filter";
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("aria-label", select.getAttribute("data-searchable"));
    box.placeholder = select.getAttribute("data-searchable");
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
      options.forEach(function (option) {
        var text = option.text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
        option.hidden = words !== "" && option.value !== "" && text.indexOf(words) === -1 && !option.selected;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-searchable]").forEach(searchable);
    document.querySelectorAll("form[data-sections]").forEach(summarise);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
}());
