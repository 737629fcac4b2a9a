// Suggests Knowledge Base articles while a ticket is being written. Progressive enhancement:
// the form works without it. Reads only the public suggestion endpoint; writes only text nodes.
(function () {
  "use strict";
  var list = document.getElementById("suggestions");
  if (!list) return;
  var fields = ["subject", "description"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  var timer = null;
  var last = "";
  function render(items) {
    list.textContent = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "No matching articles yet.";
      list.appendChild(none);
      return;
    }
    items.forEach(function (a) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/kb/" + encodeURIComponent(a.slug);
      link.textContent = a.title;
      link.target = "_blank";
      link.rel = "noopener";
      li.appendChild(link);
      list.appendChild(li);
    });
  }
  function update() {
    var q = fields.map(function (f) { return f.value; }).join(" ").trim();
    if (q.length < 4 || q === last) return;
    last = q;
    fetch("/api/v1/kb/suggest?q=" + encodeURIComponent(q.slice(0, 2000)), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(render)
      .catch(function () {});
  }
  fields.forEach(function (f) {
    f.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
})();
