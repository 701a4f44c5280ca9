/* The bilingual editor: a segment counter that follows every keystroke, a preview for a sample
   week from the API (debounced), and saving a draft through the API. */
"use strict";
(function () {
  document.querySelectorAll("section.editor").forEach(function (card) {
    var area = card.querySelector("textarea");
    var counter = document.getElementById(area.dataset.counter);
    var week = card.querySelector("[data-week]");
    var out = card.querySelector("[data-result]");
    var timer = null;

    var F = window.T4BFormat;

    function recount() {
      var parts = SmsSegments.show(counter, area.value);
      var noun = counter.querySelector("[data-noun]");
      noun.textContent = F.plural(parts.units, F.nouns.character);
      counter.dataset.segments = parts.segments;
      counter.classList.toggle("over", parts.segments > (card.dataset.language === "ru" ? 3 : 2));
    }

    function preview() {
      T4B.api("POST", "/api/v1/messages/preview", {
        text: area.value, language: card.dataset.language,
        track: week.dataset.track, week: Number(week.value) || 0
      }).then(function (r) {
        var text = card.querySelector("[data-preview]");
        var meta = card.querySelector("[data-preview-meta]");
        if (r.ok) {
          text.textContent = r.body.text;
          // "1 000 SMS × 3 сегмента × 2,50 руб. = 7 500 руб."
          meta.textContent = F.count(r.body.characters, "character") + " · " + r.body.encoding +
            " · " + F.number(1000) + " SMS × " + F.count(r.body.segments, "segment") + " × " +
            F.money(r.body.price_per_segment) + " = " + F.money(r.body.cost_per_1000);
          meta.className = "preview-meta";
        } else {
          text.textContent = "";
          meta.textContent = r.error;
          meta.className = "preview-meta error";
        }
      });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(preview, 400);
    }

    area.addEventListener("input", function () { recount(); later(); });
    week.addEventListener("input", later);
    card.querySelector("[data-save]").addEventListener("click", function () {
      T4B.api("PATCH", "/api/v1/messages/" + encodeURIComponent(card.dataset.key), {
        language: card.dataset.language, text: area.value
      }).then(function (r) {
        if (r.ok) {
          var notes = r.body.warnings.map(function (w) { return F.reason(w) || w; });
          T4B.show(out, "№" + r.body.revision_id + ": " + card.querySelector("[data-save]").dataset.saved +
            (notes.length ? " " + notes.join("; ") : ""), false);
        } else {
          T4B.show(out, r.error, true);
        }
      });
    });
    recount();
    preview();
  });
})();
