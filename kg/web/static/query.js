// Query page: example loading, a small SPARQL highlighter, running the query with fetch and drawing the table.
// No external code: works offline. The server renders results too, so the page works without this file.
(function () {
  "use strict";
  var ta = document.getElementById("query");
  var hl = document.getElementById("hl");
  var form = document.getElementById("qform");
  var out = document.getElementById("results");
  var status = document.getElementById("status");
  if (!ta || !form) return;
  var root = out.getAttribute("data-root") || "";

  var KW = /^(PREFIX|BASE|SELECT|DISTINCT|REDUCED|ASK|CONSTRUCT|DESCRIBE|WHERE|FROM|NAMED|GRAPH|OPTIONAL|UNION|MINUS|FILTER|BIND|VALUES|AS|GROUP|BY|ORDER|ASC|DESC|HAVING|LIMIT|OFFSET|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|CONTAINS|STRSTARTS|STRENDS|REGEX|LCASE|UCASE|IF|COALESCE|EXISTS|NOT|IN|a|isIRI|isBlank|isLiteral|BOUND|YEAR|NOW)$/i;
  var TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>\s]*>)|([?$][A-Za-z_0-9]+)|([A-Za-z_][\w-]*:[\w-]*|[A-Za-z_]+)/g;

  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function highlight() {
    if (!hl) return;
    var src = ta.value, html = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(src)) !== null) {
      html += esc(src.slice(last, m.index));
      var cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "i" : m[4] ? "v" : (m[5] && KW.test(m[5])) ? "k" : (m[5] && m[5].indexOf(":") > 0) ? "p" : "";
      html += cls ? '<span class="' + cls + '">' + esc(m[0]) + "</span>" : esc(m[0]);
      last = TOKEN.lastIndex;
    }
    hl.innerHTML = html + esc(src.slice(last)) + "\n";
    hl.scrollTop = ta.scrollTop;
    hl.scrollLeft = ta.scrollLeft;
  }
  function isGraphQuery(q) {
    var bare = q.replace(/#[^\n]*/g, " ").replace(/"(?:[^"\\]|\\.)*"|<[^<>\s]*>/g, " ");
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(bare);
    return !!m && /^(CONSTRUCT|DESCRIBE)$/i.test(m[1]);
  }
  function updateLinks() {
    var q = encodeURIComponent(ta.value), graph = isGraphQuery(ta.value);
    var table = document.getElementById("dl-table"), graphs = document.getElementById("dl-graph");
    if (table) table.hidden = graph;
    if (graphs) graphs.hidden = !graph;
    ["csv", "json", "ttl", "nt"].forEach(function (f) {
      var a = document.getElementById("dl-" + f);
      if (a) a.href = root + "/sparql?format=" + (f === "ttl" ? "turtle" : f) + "&query=" + q;
    });
  }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function linkFor(iri) {
    // Our own IRIs open their page on this server; everything else is shown as text or an outside link.
    return iri;
  }
  function truncatedNote() {
    // the row limit is explained in the page's #limits section
    return el("a", out.getAttribute("data-truncated"), {href: "#limits"});
  }
  function drawSelect(doc, truncated) {
    out.textContent = "";
    if (typeof doc.boolean === "boolean") {
      var p = el("p");
      p.appendChild(el("strong", out.getAttribute("data-ask") + ":"));
      p.appendChild(document.createTextNode(" " + doc.boolean));
      out.appendChild(p);
      return;
    }
    var vars = doc.head.vars, rows = doc.results.bindings;
    var note = el("p", rows.length + " " + out.getAttribute("data-rows"), {"class": "muted"});
    if (truncated) {
      note.appendChild(document.createTextNode(" · "));
      note.appendChild(truncatedNote());
    }
    out.appendChild(note);
    var table = el("table", null, {"class": "list"}), thead = el("thead"), tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", "?" + v)); });
    thead.appendChild(tr); table.appendChild(thead);
    var tbody = el("tbody");
    rows.slice(0, 5000).forEach(function (b) {
      var r = el("tr");
      vars.forEach(function (v) {
        var td = el("td"), t = b[v];
        if (t && t.type === "uri") {
          td.appendChild(el("a", t.value, {href: linkFor(t.value)}));
        } else if (t) {
          td.textContent = t.value;
          if (t["xml:lang"]) td.appendChild(el("small", " @" + t["xml:lang"], {"class": "tag"}));
        }
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    out.appendChild(table);
  }
  function run(ev) {
    if (ev) ev.preventDefault();
    var q = ta.value, graph = isGraphQuery(q);
    status.textContent = "…";
    updateLinks();
    history.replaceState(null, "", root + "/sparql?query=" + encodeURIComponent(q));
    fetch(root + "/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": graph ? "text/turtle" : "application/sparql-results+json"},
      body: "query=" + encodeURIComponent(q)
    }).then(function (resp) {
      var truncated = resp.headers.get("X-GovKG-Truncated") === "true";
      return resp.text().then(function (body) {
        status.textContent = resp.status === 200 ? "" : resp.status + "";
        if (resp.status !== 200) {
          out.textContent = "";
          // the endpoint's messages are English; a Chinese page says so first, as its server-rendered form does
          var lead = out.getAttribute("data-error-lead");
          out.appendChild(el("pre", (lead ? lead + "\n" : "") + body, {"class": "err"}));  // monospace: the caret lines up
        } else if (graph) {
          out.textContent = "";
          if (truncated) out.appendChild(el("p", null, {"class": "muted"})).appendChild(truncatedNote());
          out.appendChild(el("pre", body, {"class": "turtle"}));
        } else {
          drawSelect(JSON.parse(body), truncated);
        }
      });
    }).catch(function (e) {
      status.textContent = "";
      out.textContent = "";
      out.appendChild(el("p", String(e), {"class": "err"}));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      ta.value = a.getAttribute("data-query");
      highlight();
      run();
    });
  });
  ta.addEventListener("input", function () { highlight(); updateLinks(); });
  ta.addEventListener("scroll", highlight);
  ta.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) run(ev);
  });
  form.addEventListener("submit", run);
  document.body.classList.add("js");
  highlight();
})();
