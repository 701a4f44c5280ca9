/* Draws the dashboard: the summary embedded in the page, and the charts over time and by week
   from the metrics API. A chart whose data source does not answer says "no data yet". */
"use strict";
(function () {
  var root = document.getElementById("charts");
  var nodata = root.dataset.nodata;

  function draw(card, labels, series) {
    var total = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { total += v; }); });
    if (!labels.length || total === 0) { Charts.empty(card, nodata); }
    else { Charts.lines(card, labels, series); }
    card.dataset.drawn = "1";
  }

  function fromApi(card, url, key) {
    card.querySelector("a.csv").href = url + "&format=csv";
    T4B.api("GET", url).then(function (r) {
      if (!r.ok || !r.body || !Array.isArray(r.body.series)) {
        card.querySelector("a.csv").remove();
        Charts.empty(card, nodata);
        card.dataset.drawn = "1";
        card.dataset.missing = String(r.status);
        return;
      }
      var labels = [];
      r.body.series.forEach(function (s) {
        s.points.forEach(function (p) { if (labels.indexOf(String(p[key])) < 0) labels.push(String(p[key])); });
      });
      labels.sort(function (a, b) { return key === "week" ? a - b : (a < b ? -1 : a > b ? 1 : 0); });
      var series = r.body.series.map(function (s) {
        var by = {};
        s.points.forEach(function (p) { by[String(p[key])] = p.value; });
        return { name: s.name, values: labels.map(function (l) { return by[l] || 0; }) };
      });
      if (r.body.definition) card.title = r.body.definition;
      draw(card, labels, series);
    });
  }

  root.querySelectorAll(".chart").forEach(function (card) {
    var kind = card.dataset.kind;
    if (kind === "bars") {
      var pairs = JSON.parse(card.querySelector("script").textContent);  // [[name, count], ...]
      var labels = pairs.map(function (p) { return p[0]; });
      var values = pairs.map(function (p) { return p[1]; });
      if (values.every(function (v) { return v === 0; })) { Charts.empty(card, nodata); }
      else { Charts.bars(card, labels, values); }
      card.dataset.drawn = "1";
    } else if (kind === "timeseries") {
      fromApi(card, "/api/v1/metrics/timeseries?metric=" + card.dataset.metric + "&from=" +
        root.dataset.from + "&to=" + root.dataset.to + "&interval=" + card.dataset.interval, "date");
    } else {
      fromApi(card, "/api/v1/metrics/distribution?metric=" + card.dataset.metric, "week");
    }
  });
})();
