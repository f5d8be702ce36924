/* Reception desk: check the personal ID number as the official types it (12 digits, a
   province code, the birth year against the date of birth) and say the result in the
   aria-live region next to the field. The server checks it again on submit. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-personal-id]");
  var status = document.getElementById("personal-id-status");
  var table = document.getElementById("province-codes");
  if (!input || !status || !table) { return; }
  var provinces = JSON.parse(table.textContent);
  var birth = document.getElementById("id_birth_date");
  var person = document.getElementById("id_applicant_kind_0");

  function verdict(value) {
    if (value === "") { return null; }
    if (!/^[0-9]{12}$/.test(value)) { return { ok: false, text: status.dataset.digits }; }
    var code = value.slice(0, 3);
    if (!Object.prototype.hasOwnProperty.call(provinces, code)) {
      return { ok: false, text: status.dataset.province };
    }
    var g = parseInt(value.charAt(3), 10);
    var year = 1900 + 100 * Math.floor(g / 2) + parseInt(value.slice(4, 6), 10);
    if (year > new Date().getFullYear()) { return { ok: false, text: status.dataset.future }; }
    if (birth && birth.value && parseInt(birth.value.slice(0, 4), 10) !== year) {
      return { ok: false, text: status.dataset.year };
    }
    var ok = status.dataset.ok.replace("{province}", provinces[code]).replace("{year}", String(year));
    return { ok: true, text: ok };
  }

  function check() {
    var result = person && !person.checked ? null : verdict(input.value.trim());
    status.textContent = result ? result.text : "";
    status.className = "live" + (result ? (result.ok ? " ok" : " problem") : "");
    if (result && !result.ok) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  var timer = null;
  input.addEventListener("input", function () {
    // Wait until the official pauses or has typed 12 digits: no message at every keystroke.
    window.clearTimeout(timer);
    if (input.value.trim().length >= 12) { check(); } else { timer = window.setTimeout(check, 800); }
  });
  input.addEventListener("blur", check);
  if (birth) { birth.addEventListener("change", check); }
  if (person) {
    document.querySelectorAll("input[name=applicant_kind]").forEach(function (radio) {
      radio.addEventListener("change", check);
    });
  }
}());
