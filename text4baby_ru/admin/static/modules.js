/* Modules: a dry run, start, pause and stop, each through the audited module API. */
"use strict";
(function () {
  var table = document.getElementById("modules");
  var out = document.getElementById("module-result");
  table.querySelectorAll("[data-action]").forEach(function (button) {
    var row = button.closest("[data-module]");
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      if (action === "stop" && !window.confirm(table.dataset.confirmStop)) return;
      T4B.api("POST", "/api/v1/modules/" + row.dataset.module + "/" + action).then(function (r) {
        if (!r.ok) { T4B.show(out, r.error, true); return; }
        if (action === "dry-run") {
          T4B.show(out, r.body.recipients + " · " + r.body.segments + " SMS · " + r.body.cost.toFixed(2) + " ₽", false);
        } else { window.location.reload(); }
      });
    });
  });
})();
