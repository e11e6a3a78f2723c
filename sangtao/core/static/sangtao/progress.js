// Updates a long job's progress bar in place from its JSON (core/progress.py); reloads the page
// when the job ends, so that the server renders the errors, the file and the retry button.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  function show(name, text) {
    var element = box.querySelector("[data-progress='" + name + "']");
    if (element) { element.textContent = text; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (!data.running) { window.location.reload(); return; }
        box.querySelector("progress").value = data.percent;
        show("state", data.state);
        show("counts", data.counts);
        show("percent", data.percent + "%");
        show("message", data.message);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
