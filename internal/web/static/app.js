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

  // Editing in place. Each part's Edit link works without script
  // (?edit=PART renders the part as a form); here it swaps the form in
  // without a reload, Cancel swaps the text back, and focus goes into the
  // form and back to the part.
  var swapped = {}; // part id -> the element the form replaced
  function firstField(el) {
    return el && el.querySelector("textarea, input:not([type=hidden]), select");
  }
  function pageURL() { return window.location.pathname; }
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
    var a = e.target.closest && e.target.closest("a.edit-part, a.cancel-edit");
    if (!a) { return; }
    var url = new URL(a.href, window.location.href);
    var part = a.getAttribute("data-part");
    // An Edit link's fragment is the form's first field; Cancel's, the part.
    var id = part ? "part-" + part.replace(/\./g, "-") : url.hash.slice(1);
    if (url.pathname !== pageURL() || !id) { return; }
    if (a.classList.contains("cancel-edit")) {
      var was = swapped[id], cur = document.getElementById(id);
      if (!was || !cur) { return; } // the form came with the page: the link reloads it
      e.preventDefault();
      cur.replaceWith(was);
      delete swapped[id];
      window.history.replaceState(null, "", pageURL() + "#" + id);
      var back = was.querySelector("a.edit-part") || was;
      back.focus();
      return;
    }
    var here = document.getElementById(id);
    if (!here || document.getElementById("part-editor") || !window.fetch || !window.DOMParser) { return; }
    e.preventDefault();
    window.fetch(url.href, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var part = doc.getElementById(id), rev = doc.getElementById("revision"), mine = document.getElementById("revision");
      // A page that changed meanwhile is loaded whole, not patched.
      if (!part || !firstField(part) || !rev || !mine || rev.textContent !== mine.textContent) { throw new Error("changed"); }
      part = document.importNode(part, true);
      swapped[id] = here;
      here.replaceWith(part);
      window.history.replaceState(null, "", url.pathname + url.search + "#" + id);
      var f = firstField(part);
      f.focus();
      if (f.setSelectionRange && f.value) { f.setSelectionRange(f.value.length, f.value.length); }
    }).catch(function () { window.location.href = url.href; });
  });
  // Escape in a part's form cancels it.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var form = e.target.closest && e.target.closest("#part-editor");
    var cancel = form && form.querySelector("a.cancel-edit");
    if (cancel) { e.preventDefault(); cancel.click(); }
  });
  // On load: into the form of a part opened by a link, or back to the part
  // a save came back to.
  (function () {
    var form = document.getElementById("part-editor") || document.querySelector("form.edit-all");
    var f = form && firstField(form);
    if (f) { f.focus(); return; }
    var id = window.location.hash.slice(1);
    var t = id && document.getElementById(id);
    if (t && t.hasAttribute("data-part")) { t.focus({ preventScroll: true }); }
  })();
})();
