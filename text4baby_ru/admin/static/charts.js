/* A small SVG chart renderer of our own, so the dashboard needs no library from the internet.
   Charts tell the truth: the value axis starts at 0 with evenly spaced whole-number ticks; bars
   for distributions, lines for time; each series has its own colour AND its own dash pattern
   (bars carry their label), with a legend in the page's language. Drawn at the card's real
   width so text stays at 13 px or more on a phone and on a projector; redrawn when the width changes.
   Each mark carries data-label and data-value, so tests and screen readers can read it. */
"use strict";
window.Charts = (function () {
  var NS = "http://www.w3.org/2000/svg";
  // 13 px on a laptop or a phone; larger where the page's text is larger (a projector).
  var FONT = Math.max(13, Math.round(parseFloat(getComputedStyle(document.body).fontSize) * 0.87));
  var ROW = FONT * 2 + 2, H = 260, TOP = 16, BOTTOM = FONT + 15, GAP = 8;
  var COLOURS = {
    queued: "#6b6b6b", sending: "#56b4e9", sent: "#0072b2", delivered: "#009e73",
    undelivered: "#e69f00", failed: "#d55e00", cancelled: "#cc79a7", expired: "#8c6d31",
    unknown: "#1d2230", pending: "#6b6b6b", active: "#009e73", paused: "#e69f00",
    opted_out: "#d55e00", completed: "#0072b2", ended: "#cc79a7", ru: "#0072b2", en: "#e69f00",
    sms: "#0072b2", clinic: "#009e73", web: "#cc79a7", pregnancy: "#cc79a7", baby: "#0072b2",
    optouts: "#d55e00", dose: "#0072b2"
  };
  var SPARE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c6d31", "#6b6b6b", "#1d2230"];
  var DASHES = ["", "8 4", "2 4", "12 4 3 4", "1 3", "16 5", "5 3 1 3", "9 2", "3 7"];
  var measure = document.createElement("canvas").getContext("2d");

  function colour(code, i) { return COLOURS[code] || SPARE[i % SPARE.length]; }
  function width(text) { measure.font = FONT + "px system-ui, sans-serif"; return measure.measureText(text).width; }

  function el(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  /* 0, step, 2 step ... >= max, step a whole 1, 2 or 5 x 10^k: evenly spaced integers. */
  function ticks(max) {
    var rough = Math.max(max, 1) / 5, power = Math.pow(10, Math.floor(Math.log10(rough)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; })
      .filter(function (s) { return s >= rough; })[0];
    step = Math.max(1, Math.round(step));
    var out = [];
    for (var v = 0; v < max + step; v += step) { out.push(v); if (v >= max) break; }
    return out.length > 1 ? out : [0, step];
  }

  function svgFor(plot, w, h, title) {
    plot.textContent = "";
    return el("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img",
                       "aria-label": title, "font-size": FONT, "font-family": "system-ui, sans-serif" }, plot);
  }

  /* How many labels to skip so that none overlaps the next. */
  function every(labels, slot) {
    var widest = Math.max.apply(null, labels.map(width).concat([1])) + GAP;
    return Math.max(1, Math.ceil(widest / Math.max(slot, 1)));
  }

  function valueAxis(svg, scale, left, right, y0, y1, fmt) {
    scale.ticks.forEach(function (t) {
      var y = y0 - (y0 - y1) * t / scale.top;
      el("line", { x1: left, x2: right, y1: y, y2: y, stroke: t ? "#e3e6ec" : "#8a94a8" }, svg);
      el("text", { x: left - 6, y: y + FONT / 3, "text-anchor": "end", fill: "#3b4254", class: "tick" }, svg, fmt(t));
    });
  }

  function xLabel(svg, x, y, text, left, right) {
    var half = width(text) / 2, anchor = "middle";
    if (x - half < 0) { x = Math.max(x - half, 0); anchor = "start"; }
    if (x + half > right) { x = right; anchor = "end"; }
    el("text", { x: x, y: y, "text-anchor": anchor, fill: "#3b4254", class: "xlabel" }, svg, text);
  }

  function prepare(spec) {
    var max = 0;
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    var t = ticks(max);
    var left = Math.max.apply(null, t.map(function (v) { return width(spec.fmt(v)); })) + 12;
    return { ticks: t, top: t[t.length - 1], left: left };
  }

  /* Vertical bars: one series, a bar per label (weeks, cohorts). */
  function bars(plot, spec, w) {
    var s = spec.series[0], scale = prepare(spec);
    var svg = svgFor(plot, w, H, spec.title), right = w - 4, y0 = H - BOTTOM;
    valueAxis(svg, scale, scale.left, right, y0, TOP, spec.fmt);
    var slot = (right - scale.left) / spec.labels.length, skip = every(spec.labels, slot);
    spec.labels.forEach(function (name, i) {
      var v = s.values[i], h = (y0 - TOP) * v / scale.top, x = scale.left + i * slot;
      var bar = el("rect", { x: x + slot * 0.12, y: y0 - h, width: Math.max(slot * 0.76, 1), height: h,
                             fill: colour(s.code, 0), "data-label": name, "data-value": v }, svg);
      el("title", {}, bar, name + ": " + spec.fmt(v));
      if (i % skip === 0) xLabel(svg, x + slot / 2, y0 + FONT + 6, name, scale.left, right);
    });
  }

  /* Horizontal bars: one per category, its name at the left (colour is not the only cue). */
  function hbars(plot, spec, w) {
    var s = spec.series[0], scale = prepare(spec);
    var names = spec.labels.map(function (l, i) { return spec.names[i] || l; });
    var left = Math.max.apply(null, names.map(width)) + 10;
    var valueRoom = width(spec.fmt(scale.top)) + 8, right = w - valueRoom;
    var h = spec.labels.length * ROW + BOTTOM + 4, y0 = spec.labels.length * ROW;
    var svg = svgFor(plot, w, h, spec.title);
    scale.ticks.forEach(function (t) {
      var x = left + (right - left) * t / scale.top;
      el("line", { x1: x, x2: x, y1: 0, y2: y0, stroke: t ? "#e3e6ec" : "#8a94a8" }, svg);
      xLabel(svg, x, y0 + FONT + 6, spec.fmt(t), left, w - 2);
    });
    spec.labels.forEach(function (code, i) {
      var v = s.values[i], len = (right - left) * v / scale.top, y = i * ROW;
      el("text", { x: left - 8, y: y + ROW / 2 + FONT / 3, "text-anchor": "end", fill: "#1d2230" }, svg, names[i]);
      var bar = el("rect", { x: left, y: y + 5, width: len, height: ROW - 10, fill: colour(code, i),
                             "data-label": code, "data-value": v }, svg);
      el("title", {}, bar, names[i] + ": " + spec.fmt(v));
      el("text", { x: left + len + 4, y: y + ROW / 2 + FONT / 3, fill: "#1d2230" }, svg, spec.fmt(v));
    });
  }

  /* Lines over time: one per series, each with its colour, dash pattern and legend entry. */
  function lines(plot, spec, w) {
    var scale = prepare(spec), svg = svgFor(plot, w, H, spec.title);
    var right = w - 8, y0 = H - BOTTOM, n = spec.labels.length;
    valueAxis(svg, scale, scale.left, right, y0, TOP, spec.fmt);
    var step = n > 1 ? (right - scale.left - 8) / (n - 1) : 0;
    var xOf = function (i) { return n > 1 ? scale.left + 4 + i * step : (scale.left + right) / 2; };
    var skip = every(spec.labels, n > 1 ? step : right);
    spec.labels.forEach(function (name, i) { if (i % skip === 0) xLabel(svg, xOf(i), y0 + FONT + 6, name, scale.left, right); });
    spec.series.forEach(function (s, k) {
      var c = colour(s.code, k), yOf = function (v) { return y0 - (y0 - TOP) * v / scale.top; };
      el("polyline", { points: s.values.map(function (v, i) { return xOf(i) + "," + yOf(v); }).join(" "),
                       fill: "none", stroke: c, "stroke-width": 2.5, "stroke-dasharray": DASHES[k % DASHES.length],
                       "data-series": s.code }, svg);
      s.values.forEach(function (v, i) {
        var dot = el("circle", { cx: xOf(i), cy: yOf(v), r: n > 60 ? 1.5 : 3, fill: c, "data-series": s.code,
                                 "data-label": spec.labels[i], "data-value": v }, svg);
        el("title", {}, dot, s.name + ", " + spec.labels[i] + ": " + spec.fmt(v));
      });
    });
  }

  function legend(card, spec) {
    var box = document.createElement("ul");
    box.className = "legend";
    spec.series.forEach(function (s, k) {
      var item = document.createElement("li"), mark = el("svg", { width: 34, height: 12, "aria-hidden": "true" });
      el("line", { x1: 1, x2: 33, y1: 6, y2: 6, stroke: colour(s.code, k), "stroke-width": 3,
                   "stroke-dasharray": DASHES[k % DASHES.length] }, mark);
      item.appendChild(mark);
      item.appendChild(document.createTextNode(s.name));
      box.appendChild(item);
    });
    return box;
  }

  /* The figures as a table (the screen reader's and the careful reader's view). */
  function table(caption, head, rows) {
    var details = document.createElement("details"), summary = document.createElement("summary");
    details.className = "table-view";
    summary.textContent = caption;
    details.appendChild(summary);
    var scroll = document.createElement("div"), t = document.createElement("table");
    scroll.className = "scroll";
    scroll.tabIndex = 0; /* a keyboard can scroll a wide table too */
    var tr = t.createTHead().insertRow();
    head.forEach(function (h) { var th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); });
    var body = t.createTBody();
    rows.forEach(function (r) {
      var row = body.insertRow();
      r.forEach(function (v, i) {
        var cell = i === 0 ? document.createElement("th") : row.insertCell();
        if (i === 0) { cell.scope = "row"; row.appendChild(cell); }
        cell.textContent = v;
      });
    });
    scroll.appendChild(t);
    details.appendChild(scroll);
    return details;
  }

  var DRAW = { bars: bars, hbars: hbars, lines: lines };

  /* Draw spec into card's .plot now and again whenever the card's width changes. */
  function draw(card, spec) {
    var plot = card.querySelector(".plot"), last = 0;
    function render() {
      var w = Math.floor(plot.clientWidth);
      if (w > 0 && w !== last) { last = w; DRAW[spec.type](plot, spec, w); }
    }
    render();
    if (spec.type === "lines") plot.after(legend(card, spec));
    if (window.ResizeObserver) new ResizeObserver(render).observe(plot);
  }

  function empty(card, text) {
    var p = document.createElement("p");
    p.className = "nodata";
    p.textContent = text;
    card.querySelector(".plot").replaceWith(p);
  }

  return { draw: draw, table: table, empty: empty, ticks: ticks, colours: COLOURS, dashes: DASHES };
})();
