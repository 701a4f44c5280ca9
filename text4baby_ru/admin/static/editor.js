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

    function recount() {
      var parts = SmsSegments.show(counter, area.value);
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
          meta.textContent = r.body.characters + " · " + r.body.segments + " SMS · " +
            r.body.encoding + " · 1000 × = " + r.body.cost_per_1000 + " ₽";
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
          T4B.show(out, "#" + r.body.revision_id + ": " + card.querySelector("[data-save]").dataset.saved +
            (r.body.warnings.length ? " " + r.body.warnings.join("; ") : ""), false);
        } else {
          T4B.show(out, r.error, true);
        }
      });
    });
    recount();
    preview();
  });
})();
