/* The pretend phone: each action posts to the simulator and redraws the screen it answers. */
"use strict";
(function () {
  var screen = document.getElementById("screen");
  var clock = document.getElementById("sim-clock");
  var result = document.getElementById("sim-result");
  var input = document.getElementById("sim-text");
  var buttons = document.querySelectorAll(".sim button");

  function draw(state) {
    screen.textContent = "";
    state.lines.forEach(function (line) {
      var bubble = document.createElement("div");
      bubble.className = "bubble " + (line.incoming ? "in" : "out");
      bubble.textContent = line.text;
      bubble.lang = /[А-Яа-яЁё]/.test(line.text) ? "ru" : "en";  // her text's language, not the page's
      var at = document.createElement("time");
      at.textContent = line.at;
      bubble.appendChild(at);
      screen.appendChild(bubble);
    });
    clock.textContent = state.clock || "—";
    screen.scrollTop = screen.scrollHeight;
  }

  function act(url, payload) {
    buttons.forEach(function (b) { b.disabled = true; });
    document.body.dataset.busy = "1";
    return T4B.api("POST", url, payload).then(function (r) {
      buttons.forEach(function (b) { b.disabled = false; });
      delete document.body.dataset.busy;
      if (r.ok) { draw(r.body); result.textContent = ""; }
      else { T4B.show(result, r.error, true); }
    });
  }

  document.getElementById("sim-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    act("/admin/simulator/text", { text: text });
  });
  document.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      act("/admin/simulator/clock", { step: button.dataset.step });
    });
  });
  document.getElementById("sim-reset").addEventListener("click", function () {
    act("/admin/simulator/reset");
  });
  screen.scrollTop = screen.scrollHeight;
})();
