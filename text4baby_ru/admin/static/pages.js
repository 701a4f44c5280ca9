/* Shared by every admin page: calls to the JSON API with the page's CSRF token, and the
   publish buttons of the review queue. No framework, no network but this server. */
"use strict";
window.T4B = (function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var F = window.T4BFormat;

  /* The API's reason in the page's language; a reason the table does not know becomes a
     general sentence with the HTTP status (the English text stays in the server's answer). */
  function problem(body, status) {
    if (body && typeof body.detail === "string") {
      return F.reason(body.detail) || F.general + " (" + status + ").";
    }
    if (body && Array.isArray(body.detail)) {
      return body.detail.map(function (p) {
        var field = String(p.field).split(".").pop();
        return F.label("field", field) + ": " + (F.reason(p.problem) || F.general);
      }).join("; ");
    }
    return F.general + " (" + status + ").";
  }

  /* fetch(url) as JSON; resolves {ok, status, body, error} and never rejects on HTTP errors. */
  function api(method, url, payload) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { ok: response.ok, status: response.status, body: body,
                 error: response.ok ? null : problem(body, response.status) };
      });
    }, function (error) {
      return { ok: false, status: 0, body: null, error: String(error) };
    });
  }

  function show(element, text, failed) {
    element.textContent = text;
    element.className = "result " + (failed ? "error" : "ok");
  }

  document.querySelectorAll("[data-publish]").forEach(function (button) {
    var card = button.closest("[data-revision]");
    button.addEventListener("click", function () {
      button.disabled = true;
      api("POST", "/api/v1/messages/" + encodeURIComponent(card.dataset.key) + "/publish", {
        language: card.dataset.language, revision_id: Number(card.dataset.revision)
      }).then(function (r) {
        var out = card.querySelector("[data-result]");
        if (r.ok) {
          show(out, button.dataset.done + " (№" + r.body.revision_id + ")", false);
          card.classList.add("done");
          card.querySelectorAll("button, textarea").forEach(function (b) { b.disabled = true; });
        } else {
          show(out, r.error, true);
          button.disabled = false;
        }
      });
    });
  });

  /* Reject with the comment typed above the button. */
  document.querySelectorAll("[data-reject]").forEach(function (button) {
    var card = button.closest("[data-revision]");
    button.addEventListener("click", function () {
      var out = card.querySelector("[data-result]");
      var comment = card.querySelector("[data-comment]");
      if (!comment.value.trim()) { show(out, F.label("field", "comment") + ": " + F.reason("Field required"), true); comment.focus(); return; }
      button.disabled = true;
      api("POST", "/api/v1/messages/" + encodeURIComponent(card.dataset.key) + "/reject", {
        language: card.dataset.language, revision_id: Number(card.dataset.revision), comment: comment.value
      }).then(function (r) {
        if (r.ok) {
          show(out, button.dataset.done + " (№" + r.body.revision_id + ")", false);
          card.classList.add("done");
          card.querySelectorAll("button, textarea").forEach(function (b) { b.disabled = true; });
        }
        else { show(out, r.error, true); button.disabled = false; }
      });
    });
  });

  /* Bring an earlier live text back (a new live revision, by a second person). */
  document.querySelectorAll("[data-revert]").forEach(function (button) {
    var row = button.closest("[data-revision]");
    button.addEventListener("click", function () {
      if (!window.confirm(button.dataset.confirm)) return;
      button.disabled = true;
      api("POST", "/api/v1/messages/" + encodeURIComponent(row.dataset.key) + "/revert", {
        language: row.dataset.language, revision_id: Number(row.dataset.revision)
      }).then(function (r) {
        var out = row.querySelector("[data-result]");
        if (r.ok) { show(out, button.dataset.done + " (№" + r.body.revision_id + ")", false); }
        else { show(out, r.error, true); button.disabled = false; }
      });
    });
  });

  return { api: api, show: show, csrf: csrf };
})();
