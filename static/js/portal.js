/* ITA Portal shell behaviour. Loaded after Bootstrap and htmx on every staff page. */
(function () {
  "use strict";

  // htmx: the CSRF header comes from hx-headers on <body>; keep focus sensible after swaps and
  // show a Thai message when a request fails instead of failing silently.
  // The messages follow the page's language (<html lang>, set by the user's choice).
  var EN = (document.documentElement.lang || "th").slice(0, 2) === "en";
  var TEXT = EN
    ? { forbidden: "You are not allowed to do this", missing: "The requested data was not found",
        failed: "Something went wrong, please try again", offline: "Cannot reach the server, please check the connection", close: "Close" }
    : { forbidden: "ท่านไม่มีสิทธิ์ดำเนินการนี้", missing: "ไม่พบข้อมูลที่ต้องการ",
        failed: "ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง", offline: "ติดต่อเซิร์ฟเวอร์ไม่ได้ กรุณาตรวจสอบการเชื่อมต่อ", close: "ปิด" };
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403 ? TEXT.forbidden : status === 404 ? TEXT.missing : TEXT.failed;
    showToast(text + (status ? " (" + status + ")" : ""), "danger");
  });
  document.addEventListener("htmx:sendError", function () {
    showToast(TEXT.offline, "danger");
  });

  function showToast(message, kind) {
    var holder = document.getElementById("portal-toasts");
    if (!holder) {
      holder = document.createElement("div");
      holder.id = "portal-toasts";
      holder.className = "toast-container position-fixed bottom-0 end-0 p-3";
      holder.setAttribute("aria-live", "assertive");
      document.body.appendChild(holder);
    }
    var toast = document.createElement("div");
    toast.className = "toast align-items-center text-bg-" + (kind || "info") + " border-0";
    toast.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "d-flex";
    var text = document.createElement("div");
    text.className = "toast-body";
    text.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", TEXT.close);
    body.appendChild(text);
    body.appendChild(close);
    toast.appendChild(body);
    holder.appendChild(toast);
    if (window.bootstrap) { new window.bootstrap.Toast(toast, { delay: 6000 }).show(); }
  }
  window.portalToast = showToast;

  // A form with data-confirm="…" asks before submitting (delete, withdraw, publish).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);

  // Progress bars carry their width in data-width (0–100): the Content-Security-Policy allows no
  // style="" attributes, but setting element.style from a script file is allowed. Run on load and
  // on every htmx swap (rendition rows poll their progress).
  function applyWidths(root) {
    var bars = (root || document).querySelectorAll("[data-width]");
    for (var i = 0; i < bars.length; i++) {
      var value = parseFloat(bars[i].getAttribute("data-width"));
      if (!isNaN(value)) { bars[i].style.width = Math.max(0, Math.min(100, value)) + "%"; }
    }
  }
  document.addEventListener("htmx:load", function (event) { applyWidths(event.target); });

  // <select data-autosubmit> submits its form when changed (was an inline onchange handler).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) { field.form.submit(); }
  });

  // <button data-copy-target="id"> copies the value (or text) of that element to the clipboard
  // (the calendar-links page); the Thai/English messages come from data-copied / data-copy-failed.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "position-fixed top-0 start-0 opacity-0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy")); }
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    copyText(text).then(function () {
      button.setAttribute("data-copy-done", "1");
      showToast(button.getAttribute("data-copied") || "", "success");
    }, function () {
      source.focus();
      if (source.select) { source.select(); }
      showToast(button.getAttribute("data-copy-failed") || "", "warning");
    });
  });

  // Focus the error summary of a re-displayed form so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    applyWidths(document);
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
})();
