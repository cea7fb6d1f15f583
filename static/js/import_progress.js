// The progress of a spreadsheet import (registration/imports/detail.html): polls the file's small JSON status
// while a task checks or saves it, moves the bar, and reloads the page for the report once the task is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress-bar");
  var done = document.getElementById("progress-done");
  var total = document.getElementById("progress-total");
  var status = document.getElementById("import-status");
  var startedAs = status ? status.getAttribute("data-status") : "";
  var delay = 1500;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (!state.running || state.status !== startedAs) {
          window.location.reload();
          return;
        }
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        done.textContent = state.done;
        total.textContent = state.total;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // the server is busy or away: ask less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
