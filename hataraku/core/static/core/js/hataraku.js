/* Hataraku's small script. No inline scripts anywhere (the CSP forbids them): behaviour hangs on data-*
   attributes. Everything works without this file; it only adds comfort. */
(function () {
  "use strict";

  // Put focus on the error summary so a screen reader announces it, and keyboard users start there.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // WCAG 2.2.1 Timing Adjustable: warn before the session ends and let the person extend it.
  // data-session-timeout holds the seconds this session really has left (not the full age).
  function sessionTimeout() {
    var body = document.body;
    var timeout = parseInt(body.getAttribute("data-session-timeout") || "0", 10);
    if (!timeout) { return; }
    var warning = parseInt(body.getAttribute("data-session-warning") || "300", 10);
    var url = body.getAttribute("data-session-extend-url");
    var dialog = document.getElementById("session-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var remaining = dialog.querySelector("[data-session-remaining]");
    var deadline = Date.now() + timeout * 1000;
    var ticker = null;

    function fmt(seconds) {
      var m = Math.floor(seconds / 60), s = seconds % 60;
      return (document.documentElement.lang === "en") ? (m + " min " + s + " s") : (m + "分" + s + "秒");
    }
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (remaining) { remaining.textContent = fmt(left); }
      if (left <= warning && !dialog.open) { dialog.showModal(); }
      if (left === 0) { window.location.reload(); }
    }
    function extend() {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" }
      }).then(function (r) { return r.json(); }).then(function (data) {
        deadline = Date.now() + data.expires_in * 1000;
        dialog.close();
      });
    }
    dialog.querySelector("[data-session-extend]").addEventListener("click", extend);
    ticker = window.setInterval(tick, 1000);
    tick();
    // The server refreshes the session at most once a minute and says how long it really has left
    // (X-Session-Expires-In); a request that did not refresh it must not move the deadline out.
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var left = xhr ? parseInt(xhr.getResponseHeader("X-Session-Expires-In") || "", 10) : NaN;
      if (!isNaN(left)) { deadline = Date.now() + left * 1000; }
    });
    return ticker;
  }

  // Confirm destructive actions with a native dialog, declared by data-confirm="…".
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var message = form.getAttribute && form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
  }

  // Send htmx requests with the CSRF token.
  function htmxCsrf() {
    document.body.addEventListener("htmx:configRequest", function (event) {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
    });
  }

  // Tables become stacked rows on narrow screens (CSS .table--stack): each data cell gets its column's
  // header as data-label, and cells holding only a figure (¥12,000 / 3時間 / 2026年12月1日) get .num, so
  // they align right and never break inside. Tables with fewer than three columns stay as they are.
  var FIGURE = /^[-−+]?[¥￥]?\s?[\d,.]+\s?(円|%|％|時間|分|件|人|日)?$/;
  function stackTables(root) {
    var tables = (root || document).querySelectorAll("table:not([data-no-stack])");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("table--stack")) { return; }
      var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!headRow || headRow.cells.length < 3) { return; }
      var labels = [];
      Array.prototype.forEach.call(headRow.cells, function (th) {
        var span = th.colSpan || 1;
        for (var i = 0; i < span; i++) { labels.push(th.textContent.replace(/\s+/g, " ").trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var col = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (cell.tagName === "TD" && labels[col] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[col]);
            }
            if (FIGURE.test(cell.textContent.trim())) { cell.classList.add("num"); }
            col += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("table--stack");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    stackTables(document);
    document.body.addEventListener("htmx:afterSettle", function (event) { stackTables(event.target); });
    focusErrorSummary();
    sessionTimeout();
    confirmations();
    htmxCsrf();
  });
})();
