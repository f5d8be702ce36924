/* Workflow editor, progressive enhancement: the shares' sum and each step's allotted
   working time follow the typing (the server computes the same on save). */
(function () {
  "use strict";
  var form = document.querySelector("form.workflow-form");
  if (!form) { return; }
  var totalMinutes = parseInt(form.getAttribute("data-total-minutes"), 10);
  var h = form.getAttribute("data-h") || "h";
  var min = form.getAttribute("data-min") || "min";
  var sumOut = document.getElementById("share-total");

  function parseShare(value) {
    var text = (value || "").trim().replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(text)) { return null; }
    return parseFloat(text);
  }

  function duration(minutes) {
    var m = minutes % 60;
    return Math.floor(minutes / 60) + " " + h + " " + (m < 10 ? "0" : "") + m + " " + min;
  }

  function update() {
    var sum = 0;
    var valid = true;
    var steps = form.querySelectorAll("li.step");
    steps.forEach(function (step) {
      var share = step.querySelector("input[name$='-share']");
      var removed = step.querySelector("input[name$='-DELETE']");
      var out = step.querySelector("output.allotted-time");
      if (!share || !out) { return; }
      var value = parseShare(share.value);
      if (removed && removed.checked) { out.textContent = "—"; return; }
      if (value === null) {
        if (share.value.trim() !== "") { valid = false; }
        out.textContent = "—";
        return;
      }
      sum += value;
      out.setAttribute("data-share", String(value));
    });
    if (sumOut) { sumOut.textContent = String(Math.round(sum * 100) / 100); }
    steps.forEach(function (step) {
      var out = step.querySelector("output.allotted-time");
      var removed = step.querySelector("input[name$='-DELETE']");
      var share = step.querySelector("input[name$='-share']");
      if (!out || !share || (removed && removed.checked)) { return; }
      var value = parseShare(share.value);
      if (value === null) { return; }
      if (!valid || sum > 100 || value <= 0 || isNaN(totalMinutes)) { out.textContent = "—"; return; }
      // Same rounding as the server: each share's minutes, rounded down.
      out.textContent = duration(Math.floor(totalMinutes * Math.round(value * 100) / 10000));
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
