/* SMS segments as carriers and Twilio count them: GSM-7 (with its extension table) or UCS-2.
   The same rules as text4baby_ru/kit/segments.py; tests/admin/test_pages_browser.py checks that
   both give the same answer on the same texts. */
"use strict";
window.SmsSegments = (function () {
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";

  function count(text) {
    var chars = Array.from(text);  // code points, as Python iterates a str
    var gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0; });
    var units, single, multi, encoding;
    if (gsm) {
      units = chars.reduce(function (n, c) { return n + (EXTENSION.indexOf(c) >= 0 ? 2 : 1); }, 0);
      single = 160; multi = 153; encoding = "GSM-7";
    } else {
      // UCS-2 on the wire is UTF-16: a character outside the BMP (emoji) takes two units.
      units = chars.reduce(function (n, c) { return n + (c.codePointAt(0) > 0xFFFF ? 2 : 1); }, 0);
      single = 70; multi = 67; encoding = "UCS-2";
    }
    if (units === 0) return { encoding: encoding, units: 0, segments: 0 };
    return { encoding: encoding, units: units, segments: units <= single ? 1 : Math.ceil(units / multi) };
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
