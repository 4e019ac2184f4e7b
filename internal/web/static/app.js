// versus review: keyboard shortcuts and confirmations. Plain JavaScript,
// loaded from a file so the Content-Security-Policy can forbid inline script.
(function () {
  "use strict";

  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("submit", function (e) {
    var btn = e.submitter || e.target.querySelector("[data-confirm]");
    var msg = btn && btn.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  var rows = Array.prototype.slice.call(document.querySelectorAll(".qrow"));
  var cur = -1;
  function focusRow(i) {
    if (!rows.length) { return; }
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (cur >= 0) { rows[cur].classList.remove("cur"); }
    cur = i;
    rows[cur].classList.add("cur");
    rows[cur].focus({ preventScroll: true });
    rows[cur].scrollIntoView({ block: "nearest" });
  }

  function submit(form) {
    if (!form) { return; }
    var btn = form.querySelector("button[type=submit]");
    if (form.requestSubmit) { form.requestSubmit(btn || undefined); } else { form.submit(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) { return; }
    var row = cur >= 0 ? rows[cur] : null;
    switch (e.key) {
      case "j": focusRow(cur + 1); break;
      case "k": focusRow(cur - 1); break;
      case "o":
      case "Enter":
        if (row) { window.location.href = row.getAttribute("data-href"); } else { return; }
        break;
      case "x":
        if (row) {
          var cb = row.querySelector("input[type=checkbox]");
          if (cb) { cb.checked = !cb.checked; }
        }
        break;
      case "a":
        if (row) { submit(row.querySelector(".approve-form")); }
        else { submit(document.getElementById("approve-form")); }
        break;
      case "r":
        if (row) { window.location.href = row.getAttribute("data-href") + "#request-changes"; }
        else {
          var note = document.getElementById("rc-note");
          if (note) { note.focus(); note.scrollIntoView({ block: "center" }); }
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  // A link to a place inside a folded section (a finding's marker) opens it.
  function unfold() {
    var id = window.location.hash.slice(1);
    var t = id && document.getElementById(id);
    for (var d = t && t.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) { d.open = true; }
  }
  window.addEventListener("hashchange", unfold);
  unfold();

  if (window.location.hash === "#request-changes") {
    var n = document.getElementById("rc-note");
    if (n) { n.focus(); }
  }
})();
