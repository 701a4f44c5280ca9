/* Alerts: counters while typing, a dry run (now, if no time is given), save and schedule,
   cancel; all through the API. Times are typed and shown in Moscow time. */
"use strict";
(function () {
  var F = window.T4BFormat;
  var form = document.getElementById("alert");
  var out = document.getElementById("alert-result");

  form.querySelectorAll("textarea").forEach(function (area) {
    var counter = document.getElementById(area.dataset.counter);
    function recount() {
      var parts = SmsSegments.show(counter, area.value);
      counter.querySelector("[data-noun]").textContent = F.plural(parts.units, F.nouns.character);
    }
    area.addEventListener("input", recount);
    recount();
  });

  /* "30.11.2026 14:05" typed as Moscow time (UTC+3 all year since 2014) -> ISO with offset. */
  function moscow(text) {
    var m = /^\s*(\d{1,2}\.\d{1,2}\.\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
    if (!m) return null;
    var day = F.parseDay(m[1]);
    if (!day || +m[2] > 23 || +m[3] > 59) return null;
    return day + "T" + String(m[2]).padStart(2, "0") + ":" + m[3] + ":00+03:00";
  }

  /* The form as the API wants it, or a reason in the page's language. */
  function body(needTime) {
    var data = new FormData(form);
    var payload = { text_ru: data.get("text_ru"), text_en: data.get("text_en") };
    ["track", "language", "timezone"].forEach(function (k) { payload[k] = data.get(k) || null; });
    ["week_from", "week_to"].forEach(function (k) { payload[k] = data.get(k) === "" ? null : Number(data.get(k)); });
    if (payload.week_from !== null && payload.week_to !== null && payload.week_from > payload.week_to) {
      return { error: form.dataset.backwards.replace("{from}", payload.week_from).replace("{to}", payload.week_to) };
    }
    if (!payload.text_ru.trim() || !payload.text_en.trim()) return { error: form.dataset.needTexts };
    var typed = (data.get("send_at") || "").trim();
    if (typed) {
      payload.send_at = moscow(typed);
      if (!payload.send_at) return { error: form.dataset.badTime };
    } else if (needTime) {
      return { error: form.dataset.needTime };
    } else {
      payload.send_at = new Date().toISOString();  // a dry run counts who would get it now
    }
    return { payload: payload, now: !typed };
  }

  document.getElementById("dry-run").addEventListener("click", function () {
    var built = body(false);
    if (built.error) { T4B.show(out, built.error, true); return; }
    T4B.api("POST", "/api/v1/alerts/dry-run", built.payload).then(function (r) {
      if (r.ok) {
        out.dataset.recipients = r.body.recipients;
        T4B.show(out, F.count(r.body.recipients, "recipient") + " · " + F.number(r.body.segments) + " SMS · " +
          F.money(r.body.cost) + (built.now ? " (" + form.dataset.dryNow + ")" : ""), false);
      } else { T4B.show(out, r.error, true); }
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var built = body(true);
    if (built.error) { T4B.show(out, built.error, true); return; }
    if (!window.confirm(form.dataset.confirm)) return;
    T4B.api("POST", "/api/v1/alerts", built.payload).then(function (r) {
      if (!r.ok) { T4B.show(out, r.error, true); return; }
      T4B.api("POST", "/api/v1/alerts/" + r.body.id + "/send").then(function (s) {
        if (s.ok) { T4B.show(out, form.dataset.scheduled + " №" + s.body.id, false); window.location.reload(); }
        else { T4B.show(out, s.error, true); }
      });
    });
  });

  document.querySelectorAll("[data-cancel]").forEach(function (button) {
    var row = button.closest("[data-alert]");
    button.addEventListener("click", function () {
      T4B.api("POST", "/api/v1/alerts/" + row.dataset.alert + "/cancel").then(function (r) {
        if (r.ok) { row.querySelector("[data-status]").textContent = F.label("alert_status", r.body.status); button.remove(); }
        else { T4B.show(out, r.error, true); }
      });
    });
  });
})();
