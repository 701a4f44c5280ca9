/* Subscriber support: look her up by any spelling of her number, see where she stands and both
   sides of her conversation, act on her record; every call goes to the audited subscriber API. */
"use strict";
(function () {
  var F = window.T4BFormat;
  var card = document.getElementById("subscriber");
  var result = document.getElementById("found-result");
  var acted = document.getElementById("action-result");
  var W = JSON.parse(card.dataset.words);
  var phone = null;

  function url(suffix) { return "/api/v1/subscribers/" + encodeURIComponent(phone) + (suffix || ""); }

  function cell(row, text, lang) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined || text === "" ? "—" : String(text);
    if (lang) td.lang = lang;
    row.appendChild(td);
    return td;
  }

  function fact(body, name, value, lang) {
    var row = document.createElement("tr");
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = W.labels[name];
    row.appendChild(th);
    cell(row, value, lang);
    row.dataset.fact = name;
    body.appendChild(row);
  }

  function reasonText(s) {
    if (!s.status_reason) return "";
    if (s.status_reason === "failures") return W.reasons.failures.replace("{n}", s.failures_in_a_row);
    return W.reasons[s.status_reason] || F.label("end_reason", s.status_reason);
  }

  function showFacts(her, s) {
    var body = document.getElementById("facts");
    body.textContent = "";
    var zone = her.timezone;
    fact(body, "phone", her.phone);
    var status = F.label("subscriber_status", her.status);
    var why = reasonText(s);
    fact(body, "status", why ? status + " — " + why : status);
    var track = s.track ? F.label("track", s.track) : "";
    if (track && s.week !== null) track += ", " + W.week.replace("{n}", s.week);
    fact(body, "track", track);
    fact(body, "next_tip", s.next_tip_at ? F.moment(s.next_tip_at, zone) + " · " + s.next_tip_key : W.no_next);
    fact(body, "due_date", F.day(her.due_date));
    fact(body, "birth_date", F.day(her.birth_date));
    fact(body, "language", F.label("language", her.language));
    fact(body, "timezone", F.zoneName(zone));
    fact(body, "city", her.city, langOf(her.city));
    fact(body, "channel", F.label("channel", her.channel));
    fact(body, "enrolled_at", F.moment(her.enrolled_at, zone));
    document.getElementById("reactivate").hidden = her.status === "active";
    document.getElementById("opt-out").hidden = her.status === "opted_out";
  }

  /* What she typed is in her language, whatever the page's: mark it so for screen readers. */
  function langOf(text) { return text ? (/[А-Яа-яЁё]/.test(text) ? "ru" : "en") : null; }

  function showConversation(lines, zone) {
    var body = document.getElementById("history");
    body.textContent = "";
    lines.forEach(function (line) {
      var row = document.createElement("tr");
      row.className = line.direction;
      cell(row, F.moment(line.at, zone));
      cell(row, line.direction === "in" ? W.from_her : F.label("message_kind", line.kind));
      cell(row, line.body === null ? W.erased_text : line.body, line.body === null ? null : langOf(line.body));
      var delivery = line.direction === "in" ? F.label("message_status", "received") : F.label("message_status", line.status);
      if (line.error_code) delivery += " — " + F.label("error", line.error_code);
      cell(row, delivery).dataset.status = line.status;
      var key = cell(row, line.key || "");
      key.className = "meta";
      body.appendChild(row);
    });
  }

  function showReminders(list, zone) {
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
      cell(row, F.day(reminder.day));
      cell(row, reminder.time || "—");
      cell(row, states[reminder.status] || reminder.status);
      cell(row, F.moment(reminder.created_at, zone));
      body.appendChild(row);
    });
  }

  function load() {
    return T4B.api("GET", url()).then(function (r) {
      if (!r.ok) { card.hidden = true; T4B.show(result, r.error, true); return; }
      var her = r.body;
      result.textContent = "";
      phone = her.phone;
      return Promise.all([T4B.api("GET", url("/standing")), T4B.api("GET", url("/conversation?limit=200"))])
        .then(function (both) {
          showFacts(her, both[0].body || {});
          showConversation(both[1].body || [], her.timezone);
          card.hidden = false;
          T4B.api("GET", url("/reminders")).then(function (r) { showReminders(r.body || [], her.timezone); });
        });
    });
  }

  /* Any spelling a person types (8 916 ..., +7 (916) ..., 9160000000); "hello" is no number. */
  function looksLikePhone(text) {
    if (/[^\d\s()+\-.]/.test(text)) return false;
    var digits = text.replace(/\D/g, "");
    return digits.length >= 10 && digits.length <= 15;
  }

  document.getElementById("lookup").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = document.getElementById("phone").value.trim();
    if (!looksLikePhone(typed)) {
      card.hidden = true;
      T4B.show(result, document.getElementById("lookup").dataset.notPhone, true);
      return;
    }
    phone = typed.replace(/[\s()\-.]/g, "");
    acted.textContent = "";
    load();
  });

  function act(method, suffix, payload, done) {
    return T4B.api(method, url(suffix), payload).then(function (r) {
      if (r.ok) { T4B.show(acted, done, false); return load(); }
      T4B.show(acted, r.error, true);
    });
  }

  function setDate(input, field) {
    var iso = F.parseDay(document.getElementById(input).value);
    if (!iso) { T4B.show(acted, W.bad_date, true); return; }
    var payload = {};
    payload[field] = iso;
    act("PATCH", "", payload, W.done);
  }

  document.getElementById("set-due").addEventListener("click", function () { setDate("due-date", "due_date"); });
  document.getElementById("set-birth").addEventListener("click", function () { setDate("birth-date", "birth_date"); });
  document.getElementById("reactivate").addEventListener("click", function () {
    act("POST", "/reactivate", undefined, W.done);
  });
  document.getElementById("opt-out").addEventListener("click", function () {
    if (!window.confirm(W.confirm_optout)) return;
    act("POST", "/opt-out", undefined, W.done);
  });
  document.getElementById("erase").addEventListener("click", function () {
    if (!window.confirm(W.confirm_erase)) return;
    T4B.api("DELETE", url()).then(function (r) {
      if (r.ok) { card.hidden = true; T4B.show(result, W.erased, false); }
      else { T4B.show(acted, r.error, true); }
    });
  });
})();
