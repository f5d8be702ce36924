/* Uploads a paper in the background with a progress bar; without this script the plain
   form posts and the page reloads. A failed upload is shown next to its paper only. */
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
  document.querySelectorAll("form.upload").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) return;
      event.preventDefault();
      var button = form.querySelector("button");
      var bar = form.querySelector("progress") || document.createElement("progress");
      var status = form.querySelector(".upload-status") || document.createElement("p");
      bar.max = 100; bar.value = 0;
      status.className = "upload-status"; status.setAttribute("role", "status");
      status.textContent = form.dataset.sending || "";
      form.appendChild(bar); form.appendChild(status);
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = function () {
        if (xhr.status < 400) { window.location.assign(xhr.responseURL || window.location.href); return; }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var error = page.getElementById(input.id + "_error");
        button.disabled = false; bar.remove();
        status.textContent = error ? error.textContent : form.dataset.failed || "";
        status.className = "upload-status field-error";
        input.focus();
      };
      xhr.onerror = function () {
        button.disabled = false; bar.remove();
        status.textContent = form.dataset.failed || "";
        status.className = "upload-status field-error";
      };
      xhr.send(new FormData(form));
    });
  });
})();
