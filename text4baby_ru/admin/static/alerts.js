/* Alerts: counters while typing, a dry run, save and schedule, cancel; all through the API. */
"use strict";
(function () {
  var form = document.getElementById("alert");
  var out = document.getElementById("alert-result");

  form.querySelectorAll("textarea").forEach(function (area) {
    var counter = document.getElementById(area.dataset.counter);
    function recount() { SmsSegments.show(counter, area.value); }
    area.addEventListener("input", recount);
    recount();
  });

  function body() {
    var data = new FormData(form);
    var payload = { text_ru: data.get("text_ru"), text_en: data.get("text_en") };
    ["track", "language", "timezone"].forEach(function (k) { payload[k] = data.get(k) || null; });
    ["week_from", "week_to"].forEach(function (k) { payload[k] = data.get(k) === "" ? null : Number(data.get(k)); });
    var local = data.get("send_at");
    payload.send_at = local ? new Date(local).toISOString() : null;
    return payload;
  }

  document.getElementById("dry-run").addEventListener("click", function () {
    T4B.api("POST", "/api/v1/alerts/dry-run", body()).then(function (r) {
      if (r.ok) {
        out.dataset.recipients = r.body.recipients;
        T4B.show(out, r.body.recipients + " · " + r.body.segments + " SMS · " + r.body.cost.toFixed(2) + " ₽", false);
      } else { T4B.show(out, r.error, true); }
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!window.confirm(form.dataset.confirm)) return;
    T4B.api("POST", "/api/v1/alerts", body()).then(function (r) {
      if (!r.ok) { T4B.show(out, r.error, true); return; }
      T4B.api("POST", "/api/v1/alerts/" + r.body.id + "/send").then(function (s) {
        if (s.ok) { T4B.show(out, form.dataset.scheduled + " #" + s.body.id, false); window.location.reload(); }
        else { T4B.show(out, s.error, true); }
      });
    });
  });

  document.querySelectorAll("[data-cancel]").forEach(function (button) {
    var row = button.closest("[data-alert]");
    button.addEventListener("click", function () {
      T4B.api("POST", "/api/v1/alerts/" + row.dataset.alert + "/cancel").then(function (r) {
        if (r.ok) { row.querySelector("[data-status]").textContent = r.body.status; button.remove(); }
        else { T4B.show(out, r.error, true); }
      });
    });
  });
})();
