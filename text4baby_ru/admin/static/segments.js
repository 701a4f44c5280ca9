/* SMS segments as carriers and Twilio count them: GSM-7 (with its extension table) or UCS-2.
   The same rules as text4baby_ru/kit/segments.py; tests/admin/test_pages_browser.py checks that
   both give the same answer on the same texts. */
"use strict";
window.SmsSegments = (function () {
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";

  /* The encoding of text and how many units each of its characters takes in it. */
  function widths(chars) {
    var gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0; });
    if (gsm) {
      return { encoding: "GSM-7", single: 160, multi: 153,
               widths: chars.map(function (c) { return EXTENSION.indexOf(c) >= 0 ? 2 : 1; }) };
    }
    // UCS-2 on the wire is UTF-16: a character outside the BMP (emoji) takes two units.
    return { encoding: "UCS-2", single: 70, multi: 67,
             widths: chars.map(function (c) { return c.codePointAt(0) > 0xFFFF ? 2 : 1; }) };
  }

  /* Parts are filled as the network splits them: a character is never cut in two, so one that
     would straddle a boundary (an emoji, an escaped "€") moves whole to the next part. */
  function count(text) {
    var w = widths(Array.from(text));  // code points, as Python iterates a str
    var units = w.widths.reduce(function (n, u) { return n + u; }, 0);
    if (units === 0) return { encoding: w.encoding, units: 0, segments: 0 };
    if (units <= w.single) return { encoding: w.encoding, units: units, segments: 1 };
    var segments = 1, room = w.multi;
    w.widths.forEach(function (u) {
      if (u > room) { segments += 1; room = w.multi; }
      room -= u;
    });
    return { encoding: w.encoding, units: units, segments: segments };
  }

  /* Write the count of text into a counter's [data-units], [data-segments], [data-encoding]. */
  function show(counter, text) {
    var parts = count(text);
    counter.querySelector("[data-units]").textContent = parts.units;
    counter.querySelector("[data-segments]").textContent = parts.segments;
    counter.querySelector("[data-encoding]").textContent = parts.encoding;
    return parts;
  }

  return { count: count, show: show };
})();
