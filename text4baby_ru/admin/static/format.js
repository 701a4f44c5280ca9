/* Plurals, numbers, money and times as the page's language writes them. The Russian plural rule
   is text4baby_ru/kit/plurals.py's, and tests/admin/test_pages_words.py checks that both pick
   the same form for every number from 0 to 1000; the words come from the page (labels.py). */
"use strict";
window.T4BFormat = (function () {
  var node = document.getElementById("t4b-i18n");
  var I18N = node ? JSON.parse(node.textContent) : { lang: "ru", codes: {}, reasons: [], nouns: {} };
  var RU = I18N.lang === "ru";
  var NBSP = "\u00a0";

  function russianForm(n) {
    n = Math.abs(n);
    if (n % 10 === 1 && n % 100 !== 11) return 0;
    if (n % 10 >= 2 && n % 10 <= 4 && !(n % 100 >= 12 && n % 100 <= 14)) return 1;
    return 2;
  }

  /* Two forms (English) or three (Russian), as kit/plurals.plural. */
  function plural(n, forms) {
    if (forms.length === 2) return Math.abs(n) === 1 ? forms[0] : forms[1];
    return forms[russianForm(n)];
  }

  function number(value, decimals) {
    var fixed = Number(value).toFixed(decimals || 0);
    var parts = fixed.split(".");
    var sign = parts[0].charAt(0) === "-" ? "-" : "";
    var whole = parts[0].replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, RU ? NBSP : ",");
    return sign + whole + (parts[1] ? (RU ? "," : ".") + parts[1] : "");
  }

  function money(value) { return number(value, 2) + NBSP + (RU ? "руб." : "RUB"); }

  /* "3 получателя": a number with its noun from the page's table. */
  function count(n, noun) { return number(n) + NBSP + plural(n, I18N.nouns[noun]); }

  function label(kind, code) {
    if (code === null || code === undefined || code === "") return "—";
    var words = I18N.codes[kind] || {};
    return Object.prototype.hasOwnProperty.call(words, code) ? words[code] : code;
  }

  var ZONES = (I18N.zones || []);
  function zoneName(zone) {
    for (var i = 0; i < ZONES.length; i++) if (ZONES[i][0] === zone) return ZONES[i][1];
    return zone;
  }

  /* An ISO time shown in a zone and labelled: 30.11.2026 14:05 (Москва). */
  function moment(iso, zone) {
    if (!iso) return "—";
    zone = zone || "Europe/Moscow";
    var at = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + "Z");
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(at).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + "." + parts.month + "." + parts.year + " " + parts.hour + ":" +
      parts.minute + " (" + zoneName(zone) + ")";
  }

  /* 2026-11-30 as 30.11.2026. */
  function day(iso) {
    if (!iso) return "—";
    var p = String(iso).slice(0, 10).split("-");
    return p[2] + "." + p[1] + "." + p[0];
  }

  /* дд.мм.гггг (or гггг-мм-дд) as an ISO date; null if it is no real date. */
  function parseDay(text) {
    var m = /^\s*(\d{1,2})[.\/](\d{1,2})[.\/](\d{4})\s*$/.exec(text) ||
            /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
    if (!m) return null;
    var y, mo, d;
    if (m[1].length === 4) { y = +m[1]; mo = +m[2]; d = +m[3]; } else { d = +m[1]; mo = +m[2]; y = +m[3]; }
    var check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
    return y + "-" + String(mo).padStart(2, "0") + "-" + String(d).padStart(2, "0");
  }

  /* An API reason in the page's language: known ones from the table, else a general sentence. */
  function reason(text) {
    for (var i = 0; i < I18N.reasons.length; i++) {
      var m = new RegExp(I18N.reasons[i][0]).exec(text);
      if (m) return I18N.reasons[i][1].replace(/\$(\d)/g, function (_, k) { return m[+k] || ""; });
    }
    return null;
  }

  return { russianForm: russianForm, plural: plural, number: number, money: money, count: count,
           label: label, moment: moment, day: day, parseDay: parseDay, reason: reason,
           zoneName: zoneName, lang: I18N.lang, general: I18N.general, nouns: I18N.nouns };
})();
