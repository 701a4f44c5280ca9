/* Draws the dashboard's charts: the period's statuses, dose received and who is active now from
   the answers embedded in the page, the rest from the metrics API (each URL fetched once). Names in the page's language, numbers
   as its reader writes them (1 234,5 in Russian), every chart also as a table. */
"use strict";
(function () {
  var root = document.getElementById("charts");
  var page = JSON.parse(document.getElementById("dashboard-data").textContent);
  var lang = document.documentElement.lang === "en" ? "en-GB" : "ru-RU";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var fmt = function (v) { return number.format(v); };
  var name = function (code) { return page.names[code] || code; };
  var fetched = {};

  /* The API's answer for url: the one the page came with (computed for its headline figures),
     else fetched once however many charts draw from it. */
  function get(url) {
    if (page.answers[url]) return Promise.resolve({ ok: true, status: 200, body: page.answers[url] });
    if (!fetched[url]) fetched[url] = T4B.api("GET", url);
    return fetched[url];
  }

  function day(iso, full) {  // 2026-11-30 -> 30.11 (30.11.2026 in full), or 30 Nov
    var p = iso.split("-");
    if (lang === "ru-RU") return p[2] + "." + p[1] + (full ? "." + p[0] : "");
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]));
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: full ? "numeric" : undefined, timeZone: "UTC" });
  }

  function finish(card, spec, head, rows) {
    var total = 0;
    spec.series.forEach(function (s) { s.values.forEach(function (v) { total += v; }); });
    if (!spec.labels.length || total === 0) Charts.empty(card, page.words.no_data);
    else Charts.draw(card, spec);
    card.querySelector("details.definition").before(Charts.table(page.words.table, head, rows));
    card.dataset.drawn = "1";
  }

  function timeseries(card, body, spec) {
    var wanted = card.dataset.pick ? card.dataset.pick.split(",") : null;
    var series = body.series.filter(function (s) {
      return wanted ? wanted.indexOf(s.name) >= 0 : s.points.some(function (p) { return p.value; });
    });
    spec.type = "lines";
    spec.labels = (body.series[0] ? body.series[0].points : []).map(function (p) { return day(p.date); });
    spec.series = series.map(function (s) {
      return { code: s.name, name: name(s.name), values: s.points.map(function (p) { return p.value || 0; }) };
    });
    var rows = spec.labels.map(function (_, i) {
      return [day(body.series[0].points[i].date, true)].concat(spec.series.map(function (s) { return fmt(s.values[i]); }));
    });
    finish(card, spec, [page.words.date].concat(spec.series.map(function (s) { return s.name; })), rows);
  }

  function weeks(card, body, spec) {
    var s = body.series.filter(function (x) { return x.name === card.dataset.pick; })[0] || { points: [] };
    spec.type = "bars";
    spec.labels = s.points.map(function (p) { return String(p.week); });
    spec.series = [{ code: s.name, name: name(s.name), values: s.points.map(function (p) { return p.value; }) }];
    var rows = s.points.map(function (p) { return [String(p.week), fmt(p.value)]; });
    finish(card, spec, [page.words.week, page.words.count], rows);
  }

  function dose(card, body, spec) {
    var cohorts = body.cohorts.filter(function (c) { return c.ratio !== null; });
    spec.type = "bars";
    spec.labels = cohorts.map(function (c) { return day(c.cohort); });
    spec.series = [{ code: "dose", name: name("dose"),
                     values: cohorts.map(function (c) { return Math.round(c.ratio * 1000) / 10; }) }];
    var rows = cohorts.map(function (c, i) {
      return [day(c.cohort, true), fmt(c.subscribers), fmt(c.expected), fmt(c.delivered), fmt(spec.series[0].values[i])];
    });
    finish(card, spec, [page.words.cohort, page.words.women, page.words.expected, page.words.delivered_tips,
                        page.words.dose_percent], rows);
  }

  function statuses(card, spec) {
    var counts = page.summary[card.dataset.pick];
    var codes = Object.keys(counts).filter(function (k) { return typeof counts[k] === "number"; });
    spec.type = "hbars";
    spec.labels = codes;
    spec.names = codes.map(name);
    spec.series = [{ code: card.dataset.pick, name: "", values: codes.map(function (k) { return counts[k]; }) }];
    finish(card, spec, [page.words.status, page.words.count], codes.map(function (k) { return [name(k), fmt(counts[k])]; }));
  }

  root.querySelectorAll(".chart").forEach(function (card) {
    var spec = { title: card.querySelector("h3").textContent, fmt: fmt, series: [], labels: [] };
    var kind = card.dataset.kind;
    if (kind === "status") { statuses(card, spec); return; }
    get(card.dataset.url).then(function (r) {
      if (!r.ok || !r.body) {
        Charts.empty(card, page.words.no_data);
        card.dataset.drawn = "1";
        card.dataset.missing = String(r.status);
        return;
      }
      if (kind === "lines") timeseries(card, r.body, spec);
      else if (kind === "weeks") weeks(card, r.body, spec);
      else dose(card, r.body, spec);
    });
  });
})();
