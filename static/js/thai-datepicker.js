/* Buddhist-Era date picker for every <input class="thai-date"> (ita_portal.forms_thai.ThaiDateInput).
 *
 * Browsers' own pickers show Christian-era years, so a small calendar of our own sits beside the
 * text field: Thai month names, BE years, keyboard first (button or Alt+↓ opens it; arrows move a day
 * or a week, PageUp/PageDown a month, Shift+PageUp/PageDown a year, Enter picks, Esc closes). It only
 * writes dd/mm/BBBB into the text field: whatever the officer types is still read by the server's one
 * parser (ita_portal.thai.parse_be_date). No inline script or style (CSP).
 */
(function () {
  "use strict";

  var BE = 543;
  var EN = (document.documentElement.lang || "th").slice(0, 2) === "en";
  var MONTHS = EN
    ? ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    : ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  var DAYS = EN ? ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"] : ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"];
  var TEXT = EN
    ? { open: "Choose a date from the calendar", prev: "Previous month", next: "Next month", today: "Today", close: "Close", be: "BE " }
    : { open: "เลือกวันที่จากปฏิทิน", prev: "เดือนก่อน", next: "เดือนถัดไป", today: "วันนี้", close: "ปิด", be: "พ.ศ. " };
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function arabic(text) {
    return text.replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The date already in the field (numeric forms only), else today: where the calendar opens.
  function readField(value) {
    var m = arabic(value || "").match(/^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{2}|\d{4})\s*$/);
    if (!m) { return null; }
    var year = parseInt(m[3], 10);
    if (year < 100) { year += 2500; }
    if (year < 2400) { return null; }
    var day = new Date(year - BE, parseInt(m[2], 10) - 1, parseInt(m[1], 10));
    return isNaN(day.getTime()) ? null : day;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function button(cls, label, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  }

  function Picker(input) {
    this.input = input;
    this.popup = null;
    var group = document.createElement("div");
    group.className = "input-group thai-date-group";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    this.toggle = button("btn btn-outline-secondary thai-date-toggle", TEXT.open, "");
    var icon = document.createElement("i");
    icon.className = "bi bi-calendar3";
    icon.setAttribute("aria-hidden", "true");
    this.toggle.appendChild(icon);
    this.toggle.setAttribute("aria-haspopup", "dialog");
    this.toggle.setAttribute("aria-expanded", "false");
    group.appendChild(this.toggle);
    // Bootstrap shows a field's error only as a sibling of the invalid input: bring it inside.
    var feedback = group.nextElementSibling;
    while (feedback && feedback.classList.contains("invalid-feedback")) {
      var after = feedback.nextElementSibling;
      group.classList.add("has-validation");
      group.appendChild(feedback);
      feedback = after;
    }
    this.group = group;
    var self = this;
    this.toggle.addEventListener("click", function () { self.popup ? self.close(true) : self.open(); });
    input.addEventListener("keydown", function (e) {
      if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); self.open(); }
    });
  }

  Picker.prototype.open = function () {
    this.selected = readField(this.input.value);
    this.focusDay = this.selected || new Date();
    this.popup = document.createElement("div");
    this.popup.className = "thai-datepicker shadow";
    this.popup.setAttribute("role", "dialog");
    this.popup.setAttribute("aria-modal", "false");
    this.popup.setAttribute("aria-label", TEXT.open);
    this.group.appendChild(this.popup);
    this.toggle.setAttribute("aria-expanded", "true");
    var self = this;
    this.popup.addEventListener("keydown", function (e) { self.key(e); });
    this.outside = function (e) { if (!self.group.contains(e.target)) { self.close(false); } };
    document.addEventListener("mousedown", this.outside);
    this.render(true);
  };

  Picker.prototype.close = function (refocus) {
    if (!this.popup) { return; }
    this.popup.remove();
    this.popup = null;
    document.removeEventListener("mousedown", this.outside);
    this.toggle.setAttribute("aria-expanded", "false");
    if (refocus) { this.input.focus(); }
  };

  Picker.prototype.pick = function (day) {
    this.input.value = pad(day.getDate()) + "/" + pad(day.getMonth() + 1) + "/" + (day.getFullYear() + BE);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.close(true);
  };

  Picker.prototype.move = function (days, months) {
    var d = this.focusDay;
    var next = new Date(d.getFullYear(), d.getMonth() + months, 1);
    var last = new Date(next.getFullYear(), next.getMonth() + 1, 0).getDate();
    next.setDate(Math.min(d.getDate(), last) + days);
    this.focusDay = next;
    this.render(true);
  };

  Picker.prototype.key = function (e) {
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [-7, 0], ArrowDown: [7, 0],
      PageUp: [0, e.shiftKey ? -12 : -1], PageDown: [0, e.shiftKey ? 12 : 1] };
    if (e.key === "Escape") { e.preventDefault(); this.close(true); return; }
    if (moves[e.key] && e.target.classList.contains("thai-datepicker-day")) {
      e.preventDefault();
      this.move(moves[e.key][0], moves[e.key][1]);
    }
  };

  Picker.prototype.render = function (focus) {
    var self = this;
    var year = this.focusDay.getFullYear();
    var month = this.focusDay.getMonth();
    this.popup.textContent = "";
    var head = document.createElement("div");
    head.className = "thai-datepicker-head";
    var prev = button("btn btn-sm btn-light", TEXT.prev, "‹");
    var next = button("btn btn-sm btn-light", TEXT.next, "›");
    var title = document.createElement("div");
    title.className = "thai-datepicker-title";
    title.setAttribute("aria-live", "polite");
    title.textContent = MONTHS[month] + " " + TEXT.be + (year + BE);
    prev.addEventListener("click", function () { self.move(0, -1); });
    next.addEventListener("click", function () { self.move(0, 1); });
    head.appendChild(prev);
    head.appendChild(title);
    head.appendChild(next);
    this.popup.appendChild(head);

    var grid = document.createElement("table");
    grid.className = "thai-datepicker-grid";
    grid.setAttribute("role", "grid");
    var tr = document.createElement("tr");
    DAYS.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      tr.appendChild(th);
    });
    grid.appendChild(tr);
    var first = new Date(year, month, 1).getDay();
    var count = new Date(year, month + 1, 0).getDate();
    var today = new Date();
    var focusButton = null;
    tr = document.createElement("tr");
    for (var blank = 0; blank < first; blank++) { tr.appendChild(document.createElement("td")); }
    for (var d = 1; d <= count; d++) {
      var day = new Date(year, month, d);
      var td = document.createElement("td");
      var b = button("thai-datepicker-day", d + " " + MONTHS[month] + " " + TEXT.be + (year + BE), String(d));
      b.tabIndex = sameDay(day, this.focusDay) ? 0 : -1;
      if (sameDay(day, this.selected)) { b.classList.add("is-selected"); b.setAttribute("aria-pressed", "true"); }
      if (sameDay(day, today)) { b.classList.add("is-today"); }
      b.addEventListener("click", this.pick.bind(this, day));
      if (b.tabIndex === 0) { focusButton = b; }
      td.appendChild(b);
      tr.appendChild(td);
      if ((first + d) % 7 === 0 && d < count) { grid.appendChild(tr); tr = document.createElement("tr"); }
    }
    grid.appendChild(tr);
    this.popup.appendChild(grid);

    var foot = document.createElement("div");
    foot.className = "thai-datepicker-foot";
    var todayButton = button("btn btn-sm btn-link", TEXT.today, TEXT.today);
    todayButton.addEventListener("click", function () { self.pick(new Date()); });
    var closeButton = button("btn btn-sm btn-link", TEXT.close, TEXT.close);
    closeButton.addEventListener("click", function () { self.close(true); });
    foot.appendChild(todayButton);
    foot.appendChild(closeButton);
    this.popup.appendChild(foot);
    if (focus && focusButton) { focusButton.focus(); }
  };

  function attach(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input.thai-date:not([data-thai-picker])").forEach(function (input) {
      input.setAttribute("data-thai-picker", "1");
      new Picker(input);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { attach(document); });
  document.addEventListener("htmx:load", function (e) { attach(e.detail.elt); });
})();
