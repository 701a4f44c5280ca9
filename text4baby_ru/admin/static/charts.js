/* A small SVG chart renderer of our own (bars and lines), so the dashboard needs no library
   from the internet. Each chart is an <svg> with one element per value carrying data-value, so
   tests and screen readers can read what is drawn. */
"use strict";
window.Charts = (function () {
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = ["#2f6fdd", "#e0752d", "#1b9e77", "#b3261e", "#7a52c7", "#8c8c8c", "#c2a90a", "#17a2b8"];
  var W = 420, H = 230, LEFT = 40, BOTTOM = 50, TOP = 14;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function frame(container, max) {
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img" }, container);
    var top = max > 0 ? max : 1;
    [0, 0.5, 1].forEach(function (f) {
      var y = H - BOTTOM - f * (H - BOTTOM - TOP);
      el("line", { x1: LEFT, x2: W - 4, y1: y, y2: y, stroke: "#e6e9ef" }, svg);
      el("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6477" }, svg)
        .textContent = String(Math.round(top * f));
    });
    return { svg: svg, scale: function (v) { return (H - BOTTOM - TOP) * v / top; } };
  }

  function label(svg, x, text) {
    var t = el("text", { x: x, y: H - BOTTOM + 14, "text-anchor": "end", "font-size": 11, fill: "#3b4254",
                         transform: "rotate(-30 " + x + " " + (H - BOTTOM + 14) + ")" }, svg);
    t.textContent = text;
  }

  /* One bar per (label, value). */
  function bars(container, labels, values) {
    var max = Math.max.apply(null, values.concat([0]));
    var f = frame(container, max);
    var slot = (W - LEFT - 4) / Math.max(labels.length, 1);
    labels.forEach(function (name, i) {
      var h = f.scale(values[i]);
      var x = LEFT + i * slot + slot * 0.15;
      var bar = el("rect", { x: x, y: H - BOTTOM - h, width: slot * 0.7, height: Math.max(h, 0),
                             fill: COLOURS[i % COLOURS.length], "data-label": name, "data-value": values[i] }, f.svg);
      el("title", {}, bar).textContent = name + ": " + values[i];
      if (values[i] > 0) {
        el("text", { x: x + slot * 0.35, y: H - BOTTOM - h - 3, "text-anchor": "middle", "font-size": 11 }, f.svg)
          .textContent = String(values[i]);
      }
      label(f.svg, x + slot * 0.45, name);
    });
    return f.svg;
  }

  /* One line per series; every series has the same x labels. */
  function lines(container, labels, series) {
    var all = [0];
    series.forEach(function (s) { all = all.concat(s.values); });
    var f = frame(container, Math.max.apply(null, all));
    var step = (W - LEFT - 10) / Math.max(labels.length - 1, 1);
    var every = Math.ceil(labels.length / 12);
    labels.forEach(function (name, i) { if (i % every === 0) label(f.svg, LEFT + i * step + 4, name); });
    var legend = document.createElement("p");
    legend.className = "legend";
    series.forEach(function (s, n) {
      var colour = COLOURS[n % COLOURS.length];
      var points = s.values.map(function (v, i) { return (LEFT + i * step) + "," + (H - BOTTOM - f.scale(v)); });
      el("polyline", { points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2,
                       "data-series": s.name }, f.svg);
      s.values.forEach(function (v, i) {
        el("circle", { cx: LEFT + i * step, cy: H - BOTTOM - f.scale(v), r: 2.5, fill: colour,
                       "data-series": s.name, "data-label": labels[i], "data-value": v }, f.svg);
      });
      var key = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = colour;
      key.appendChild(swatch);
      key.appendChild(document.createTextNode(s.name));
      legend.appendChild(key);
    });
    container.appendChild(legend);
    return f.svg;
  }

  function empty(container, text) {
    var p = document.createElement("p");
    p.className = "nodata";
    p.textContent = text;
    container.appendChild(p);
  }

  return { bars: bars, lines: lines, empty: empty };
})();
