/* Subscriber support: every call goes to the audited subscriber API with the page's session. */
"use strict";
(function () {
  var card = document.getElementById("subscriber");
  var result = document.getElementById("found-result");
  var PAIRS = JSON.parse(card.dataset.labels);  // [[fact, its name in the interface], ...]
  var FACTS = PAIRS.map(function (p) { return p[0]; });
  var LABELS = {};
  PAIRS.forEach(function (p) { LABELS[p[0]] = p[1]; });
  var phone = null;

  function url(suffix) { return "/api/v1/subscribers/" + encodeURIComponent(phone) + (suffix || ""); }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "—" : String(text);
    row.appendChild(td);
  }

  function showFacts(subscriber) {
    var body = document.getElementById("facts");
    body.textContent = "";
    FACTS.forEach(function (name) {
      var row = document.createElement("tr");
      cell(row, LABELS[name]);
      cell(row, subscriber[name]);
      row.dataset.fact = name;
      body.appendChild(row);
    });
  }

  function showReminders(list) {
    var table = document.getElementById("reminders-table");
    var states = JSON.parse(table.dataset.states);
    var body = document.getElementById("reminders");
    body.textContent = "";
    if (!list.length) {
      var empty = document.createElement("tr");
      cell(empty, table.dataset.none);
      body.appendChild(empty);
    }
    list.forEach(function (reminder) {
      var row = document.createElement("tr");
      var d = reminder.day.split("-");
      cell(row, d[2] + "." + d[1] + "." + d[0]);
      cell(row, reminder.time);
      cell(row, states[reminder.status] || reminder.status);
      cell(row, reminder.created_at.slice(0, 16).replace("T", " "));
      body.appendChild(row);
    });
  }

  function load() {
    return T4B.api("GET", url()).then(function (r) {
      if (!r.ok) { card.hidden = true; T4B.show(result, r.error, true); return; }
      result.textContent = "";
      phone = r.body.phone;
      showFacts(r.body);
      card.hidden = false;
      T4B.api("GET", url("/reminders")).then(function (r) { showReminders(r.body || []); });
      return T4B.api("GET", url("/messages?limit=100")).then(function (m) {
        var body = document.getElementById("history");
        body.textContent = "";
        (m.body || []).forEach(function (message) {
          var row = document.createElement("tr");
          cell(row, message.created_at.slice(0, 16).replace("T", " "));
          cell(row, message.key || message.kind);
          cell(row, message.status);
          cell(row, message.body);
          body.appendChild(row);
        });
      });
    });
  }

  document.getElementById("lookup").addEventListener("submit", function (event) {
    event.preventDefault();
    phone = document.getElementById("phone").value.replace(/[\s()-]/g, "");
    load();
  });
  document.getElementById("opt-out").addEventListener("click", function () {
    if (!window.confirm(card.dataset.confirmOptout)) return;
    T4B.api("POST", url("/opt-out")).then(function (r) {
      if (r.ok) { load(); } else { T4B.show(result, r.error, true); }
    });
  });
  document.getElementById("erase").addEventListener("click", function () {
    if (!window.confirm(card.dataset.confirmErase)) return;
    T4B.api("DELETE", url()).then(function (r) {
      if (r.ok) { card.hidden = true; T4B.show(result, card.dataset.erased, false); }
      else { T4B.show(result, r.error, true); }
    });
  });
})();
