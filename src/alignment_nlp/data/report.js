/* alignment-nlp report: draws the figures, charts, document map and passage browser from the JSON
   embedded in <script id="report-data">. Plain JavaScript, no libraries, no network. Every piece of
   passage text goes into the page through textContent (never innerHTML). */
(function () {
  "use strict";

  const D = JSON.parse(document.getElementById("report-data").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";
  const PAGE = 200;
  const LANG_NAMES = {
    en: "English", nl: "Nederlands", de: "Deutsch", zh: "中文", da: "Dansk", fr: "Français",
    es: "Español", it: "Italiano", sv: "Svenska", nb: "Norsk", ja: "日本語", und: "undetermined",
  };
  const LANG_COLORS = ["#33508a", "#d9822b", "#3f9b8b", "#b8454e", "#7c63a8", "#6b8e23",
    "#8c6d5a", "#4aa3c7"];
  const ROLE_NONE = "__none";
  const THEME_NONE = "__none";
  const THEME_MODEL_BP = "__model_bp";

  const state = {
    q: "", theme: "", theme2: "", lang: "", doc: "", role: "", show: "content",
    names: D.ui_languages[0] || "en", limit: PAGE,
  };
  const themeById = {};
  D.themes.forEach((t) => { themeById[t.id] = t; });
  themeById[D.boilerplate.id] = D.boilerplate;
  const langColor = {};
  D.languages.forEach((l, i) => { langColor[l] = LANG_COLORS[i % LANG_COLORS.length]; });

  // ------------------------------------------------------------------ helpers

  function byId(id) { return document.getElementById(id); }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach((k) => {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k === "onclick") el.addEventListener("click", v);
      else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
      else el.setAttribute(k, v);
    });
  }

  function append(el, children) {
    children.forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) append(el, c);
      else el.appendChild(typeof c === "string" || typeof c === "number"
        ? document.createTextNode(String(c)) : c);
    });
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  function fmt(n) { return Number(n).toLocaleString("en-US"); }

  function pct(x) {
    if (!isFinite(x)) return "–";
    const v = x * 100;
    return (v > 0 && v < 1 ? v.toFixed(1) : Math.round(v)) + "%";
  }

  function langName(code) { return LANG_NAMES[code] ? code + " · " + LANG_NAMES[code] : code; }

  function themeLabel(id) {
    const t = themeById[id];
    if (!t) return id;
    return t.name[state.names] || t.name.en || id;
  }

  function themeColor(id) { return themeById[id] ? themeById[id].color : "#7f7f7f"; }

  function alpha(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }

  function luminance(hex) {
    const n = parseInt(hex.slice(1), 16);
    return (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  }

  let measureCtx = null;
  function textWidth(text, px) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    measureCtx.font = px + "px " + getComputedStyle(document.body).fontFamily;
    return measureCtx.measureText(text).width;
  }

  function fitText(text, px, maxWidth) {
    if (textWidth(text, px) <= maxWidth) return text;
    const chars = Array.from(text);
    while (chars.length > 1 && textWidth(chars.join("") + "…", px) > maxWidth) chars.pop();
    return chars.join("").trim() + "…";
  }

  function snippet(text, n) {
    const t = text.replace(/\s+/g, " ").trim();
    const chars = Array.from(t);
    return chars.length > n ? chars.slice(0, n).join("") + "…" : t;
  }

  function escapeRegExp(q) { return q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function searchRegExp(flags) {
    const q = state.q.trim();
    return q ? new RegExp(escapeRegExp(q), flags) : null;
  }

  function docOf(p) { return D.documents[p.doc] || { label: "?", path: "" }; }

  function nameOfRole(role) { return role || "no role"; }

  // ------------------------------------------------------------------ tooltip

  const tip = byId("tip");
  function placeTip(ev) {
    const pad = 14;
    let x = ev.clientX + pad;
    let y = ev.clientY + pad;
    const r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 4) x = ev.clientX - r.width - pad;
    if (y + r.height > window.innerHeight - 4) y = ev.clientY - r.height - pad;
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  document.addEventListener("mouseover", (ev) => {
    const el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (!el) { tip.hidden = true; return; }
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    placeTip(ev);
  });
  document.addEventListener("mousemove", (ev) => { if (!tip.hidden) placeTip(ev); });
  document.addEventListener("scroll", () => { tip.hidden = true; }, { passive: true });

  // ------------------------------------------------------------------ header, figures, footer

  function drawHeader() {
    const S = D.summary;
    const model = S.models.length ? S.models.map((m) => m.split(/[\\/]/).pop()).join(", ") : null;
    byId("subtitle").textContent = [
      fmt(S.files) + " files", fmt(S.documents) + " documents", fmt(S.passages) + " passages",
      "codebook: " + D.codebook.title, model ? "model: " + model : "no theme model",
    ].join(" · ");
    const box = clear(byId("ui-lang"));
    if (D.ui_languages.length > 1) {
      const sel = h("select", { id: "names-lang", "aria-label": "Language of theme names" },
        D.ui_languages.map((l) => h("option", { value: l, text: LANG_NAMES[l] || l })));
      sel.value = state.names;
      sel.addEventListener("change", () => { state.names = sel.value; drawAll(); });
      box.appendChild(h("label", null, "Theme names", sel));
    }
    byId("footer").textContent = "Generated by " + D.generator + " · codebook " + D.codebook.id +
      " v" + D.codebook.version + (S.models.length ? " · model " + S.models.join(", ") : "") +
      " · self-contained: this file loads nothing from the network.";
  }

  function figure(id, label, value, detail, tipText) {
    return h("div", { class: "figure", id: "fig-" + id, "data-tip": tipText || null },
      h("div", { class: "label", text: label }),
      h("div", { class: "value", text: value }),
      detail ? h("div", { class: "detail", text: detail }) : null);
  }

  function drawFigures() {
    const S = D.summary;
    const langs = Object.keys(S.languages);
    const box = clear(byId("figures"));
    box.appendChild(figure("files", "Files", fmt(S.files),
      S.ok + " ok · " + S.skipped + " skipped · " + S.failed + " failed"));
    box.appendChild(figure("documents", "Documents", fmt(S.documents), null));
    box.appendChild(figure("passages", "Passages", fmt(S.passages),
      fmt(S.content_passages) + " content · " + fmt(S.boilerplate) + " page chrome"));
    box.appendChild(figure("boilerplate", "Page chrome", fmt(S.boilerplate),
      (S.passages ? pct(S.boilerplate / S.passages) : "0%") + " of passages · " +
      fmt(S.duplicates) + " duplicates"));
    box.appendChild(figure("languages", "Languages", fmt(langs.length),
      langs.map((l) => l + " " + S.languages[l]).join(" · ") || "–",
      "Content passages per language"));
    box.appendChild(figure("themes", "Themes coded", S.themes_coded + " / " + S.themes_total,
      fmt(S.coded_passages) + " of " + fmt(S.content_passages) + " passages · " +
      fmt(S.codings) + " codings"));
    if (D.issues.length) {
      box.appendChild(h("div", { class: "issues" },
        h("strong", { text: D.issues.length + " file(s) with problems or warnings" }),
        h("ul", null, D.issues.map((r) => h("li", null,
          h("code", { text: r.path }), " – " + r.status +
          (r.error ? ": " + (r.error.indexOf(r.path + ": ") === 0 ? r.error.slice(r.path.length + 2)
            : r.error) : "") + (r.warnings ? " (" + r.warnings + ")" : ""))))));
    }
  }

  // ------------------------------------------------------------------ prevalence (bar chart)

  function niceScale(x) {
    const scales = [[0.05, 0.01], [0.1, 0.02], [0.2, 0.05], [0.25, 0.05], [0.4, 0.1], [0.5, 0.1],
      [0.6, 0.1], [0.8, 0.2], [1, 0.2]];
    for (const sc of scales) if (x <= sc[0] + 1e-9) return sc;
    return [1, 0.2];
  }

  function chartWidth(box, fallback) {
    return Math.max(360, Math.floor(box.clientWidth || fallback));
  }

  function drawPrevalence() {
    const box = clear(byId("prevalence-chart"));
    const langs = D.languages;
    const P = D.prevalence;
    if (!langs.length || !D.themes.length || !D.summary.coded_passages) {
      box.appendChild(h("p", { class: "empty",
        text: "No theme codings in this run (it was analysed without a theme model)." }));
      return;
    }
    box.appendChild(h("div", { class: "legend" }, langs.map((l) => h("span", { class: "key" },
      h("i", { style: { background: langColor[l] } }),
      langName(l) + " (n = " + fmt(P.n[l]) + ")"))));
    let maxShare = 0;
    D.themes.forEach((t) => langs.forEach((l) => {
      maxShare = Math.max(maxShare, P.n[l] ? P.count[t.id][l] / P.n[l] : 0);
    }));
    const scale = niceScale(maxShare || 0.05);
    const xmax = scale[0];
    const fs = 12;
    const labelW = 18 + Math.ceil(Math.max(...D.themes.map((t) => textWidth(themeLabel(t.id), fs)))) + 10;
    const W = chartWidth(box, 580);
    const plotW = W - labelW - 40;
    const barH = langs.length > 5 ? 7 : 9;
    const groupH = langs.length * barH + 9;
    const top = 4;
    const plotH = D.themes.length * groupH;
    const H = top + plotH + 26;
    const svg = s("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": "Theme prevalence by language", id: "prevalence-svg" });
    const grid = s("g", { class: "grid axis" });
    const nt = Math.round(xmax / scale[1]);
    for (let k = 0; k <= nt; k++) {
      const v = xmax * k / nt;
      const x = labelW + plotW * k / nt;
      grid.appendChild(s("line", { x1: x, x2: x, y1: top, y2: top + plotH }));
      grid.appendChild(s("text", { x: x, y: top + plotH + 15, "text-anchor": "middle",
        class: "tick", text: pct(v) }));
    }
    svg.appendChild(grid);
    D.themes.forEach((t, i) => {
      const y0 = top + i * groupH;
      const g = s("g", { class: "group", "data-theme": t.id });
      g.appendChild(s("rect", { x: 0, y: y0 + (groupH - 9) / 2 - 5, width: 10, height: 10, rx: 2,
        fill: t.color }));
      g.appendChild(s("text", { x: 16, y: y0 + (groupH - 9) / 2 + 4, "font-size": fs, text: themeLabel(t.id) }));
      langs.forEach((l, j) => {
        const n = P.n[l];
        const c = P.count[t.id][l];
        const share = n ? c / n : 0;
        const w = Math.max(share > 0 ? 1.5 : 0, plotW * share / xmax);
        g.appendChild(s("rect", { class: "bar", x: labelW, y: y0 + j * barH, width: w,
          height: barH - 1.5, fill: langColor[l], "data-theme": t.id, "data-lang": l,
          "data-tip": themeLabel(t.id) + " · " + langName(l) + "\n" + pct(share) + " of content passages (" +
            c + " of " + n + ")\nClick to list them",
          onclick: () => showPassages({ theme: t.id, lang: l }) }));
        if (c > 0) {
          g.appendChild(s("text", { x: labelW + w + 3, y: y0 + j * barH + barH - 2, class: "tick",
            "font-size": 9, style: "font-size:9px", text: pct(share) }));
        }
      });
      svg.appendChild(g);
    });
    svg.appendChild(s("line", { x1: labelW, x2: labelW, y1: top, y2: top + plotH,
      stroke: "#9aa3b2" }));
    box.appendChild(svg);
  }

  // ------------------------------------------------------------------ co-occurrence (heatmap)

  function drawCooccurrence() {
    const box = clear(byId("cooccurrence-chart"));
    const C = D.cooccurrence;
    const ids = C.themes;
    const M = C.matrix;
    if (!ids.length || !D.summary.coded_passages) {
      box.appendChild(h("p", { class: "empty", text: "No theme codings in this run." }));
      return;
    }
    const n = ids.length;
    const fs = 12;
    const labels = ids.map((id) => fitText(themeLabel(id), fs, 150));
    const maxLabel = Math.ceil(Math.max(...labels.map((l) => textWidth(l, fs))));
    const left = maxLabel + 14;
    const topH = maxLabel + 12;
    const avail = chartWidth(box, 560) - left - 8;
    const cell = Math.max(18, Math.min(34, Math.floor(avail / n)));
    const W = left + n * cell + 8;
    const H = topH + n * cell + 40;
    let maxOff = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) maxOff = Math.max(maxOff, M[i][j]);
    const svg = s("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": "Theme co-occurrence", id: "cooccurrence-svg" });
    ids.forEach((id, i) => {
      svg.appendChild(s("text", { x: left - 8, y: topH + i * cell + cell / 2 + 4,
        "text-anchor": "end", "font-size": fs, "data-tip": themeLabel(id), text: labels[i] }));
      const cx = left + i * cell + cell / 2;
      svg.appendChild(s("text", { x: 0, y: 0, "font-size": fs, "data-tip": themeLabel(id),
        transform: "translate(" + (cx + 4) + "," + (topH - 6) + ") rotate(-90)", text: labels[i] }));
    });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = M[i][j];
        const diag = i === j;
        const t = diag ? 0 : (maxOff ? v / maxOff : 0);
        const fill = diag ? "#eef0f4" : (v ? "rgba(31,78,156," + (0.08 + 0.87 * t).toFixed(3) + ")" : "#fafbfc");
        const both = M[i][i] + M[j][j] - v;
        const tipText = diag
          ? themeLabel(ids[i]) + ": " + v + " passages"
          : themeLabel(ids[i]) + " × " + themeLabel(ids[j]) + ": " + v + " passages" +
            (both ? " (Jaccard " + (v / both).toFixed(2) + ")" : "");
        svg.appendChild(s("rect", { class: "cell", x: left + j * cell, y: topH + i * cell,
          width: cell - 1, height: cell - 1, fill: fill, "data-i": i, "data-j": j,
          "data-tip": tipText + (v ? "\nClick to list them" : ""),
          onclick: () => { if (v) showPassages({ theme: ids[i], theme2: diag ? "" : ids[j] }); } }));
        if (v) {
          svg.appendChild(s("text", { x: left + j * cell + (cell - 1) / 2, y: topH + i * cell + cell / 2 + 3.5,
            "text-anchor": "middle", "font-size": 10.5, "pointer-events": "none",
            fill: !diag && t > 0.55 ? "#ffffff" : (diag ? "#5d6675" : "#1d2330"),
            "font-weight": diag ? "600" : null, text: v }));
        }
      }
    }
    // scale legend
    const ly = topH + n * cell + 16;
    const steps = 5;
    for (let k = 0; k < steps; k++) {
      const t = (k + 1) / steps;
      svg.appendChild(s("rect", { x: left + k * 22, y: ly, width: 21, height: 10,
        fill: "rgba(31,78,156," + (0.08 + 0.87 * t).toFixed(3) + ")" }));
    }
    svg.appendChild(s("text", { x: left + steps * 22 + 6, y: ly + 9, class: "tick",
      text: "up to " + maxOff + " passages (off the diagonal)" }));
    box.appendChild(svg);
  }

  // ------------------------------------------------------------------ document map

  function passageTip(p) {
    const bits = ["#" + p.i + " · " + p.kind + (p.speaker ? " · " + p.speaker : "") +
      (p.role ? " (" + p.role + ")" : "") + " · " + p.lang];
    if (p.bp) bits.push("page chrome" + (p.bpr ? ": " + p.bpr : ""));
    else bits.push(p.themes && p.themes.length ? p.themes.map(themeLabel).join(", ") : "no theme");
    bits.push("“" + snippet(p.text, 140) + "”");
    return bits.join("\n");
  }

  function drawDocMap() {
    const legend = clear(byId("docmap-legend"));
    D.themes.forEach((t) => legend.appendChild(h("span", { class: "key" },
      h("i", { style: { background: t.color } }), themeLabel(t.id))));
    legend.appendChild(h("span", { class: "key" }, h("i", { class: "sw-none" }), "no theme"));
    legend.appendChild(h("span", { class: "key" }, h("i", { class: "sw-chrome" }), "page chrome"));
    const rows = clear(byId("docmap-rows"));
    const byDoc = D.documents.map(() => []);
    D.passages.forEach((p, k) => { if (p.doc >= 0) byDoc[p.doc].push(k); });
    D.documents.forEach((d, di) => {
      const strip = h("div", { class: "strip", "data-doc": di });
      byDoc[di].forEach((k) => {
        const p = D.passages[k];
        const seg = h("div", { class: "seg" + (p.bp ? " chrome" : ""), "data-k": k,
          "data-tip": passageTip(p), style: { flex: Math.max(1, p.text.length) + " 1 0px" },
          onclick: () => goToPassage(k) });
        if (!p.bp && p.themes) p.themes.forEach((t) => seg.appendChild(h("b", { style: { background: themeColor(t) } })));
        strip.appendChild(seg);
      });
      rows.appendChild(h("div", { class: "docrow" },
        h("div", { class: "name", "data-tip": d.path + "\n" + d.n_passages + " passages, " +
          d.n_boilerplate + " page chrome · " + (d.format || "") },
          h("span", { class: "t", text: d.label }),
          h("small", { text: (d.lang || "?") + " · " + byDoc[di].length })),
        strip));
    });
    if (!D.documents.length) rows.appendChild(h("p", { class: "empty", text: "No documents." }));
  }

  // ------------------------------------------------------------------ passage browser

  function select(id, label, options, value, onchange) {
    const sel = h("select", { id: id }, options.map((o) => h("option", { value: o[0], text: o[1] })));
    sel.value = value;
    sel.addEventListener("change", () => onchange(sel.value));
    return h("label", { for: id }, label, sel);
  }

  function drawFilters() {
    const box = clear(byId("filters"));
    const q = h("input", { type: "search", id: "q", placeholder: "words in the passage text",
      value: state.q, autocomplete: "off" });
    q.value = state.q;
    q.addEventListener("input", () => { state.q = q.value; state.limit = PAGE; drawPassages(); });
    box.appendChild(h("label", { for: "q" }, "Search", q));
    const themeOpts = [["", "any theme"]].concat(D.themes.map((t) => [t.id, themeLabel(t.id)]),
      [[THEME_NONE, "(no theme)"], [THEME_MODEL_BP, "(judged chrome by the model)"]]);
    box.appendChild(select("f-theme", "Theme", themeOpts, state.theme, (v) => set({ theme: v })));
    box.appendChild(select("f-theme2", "and theme", [["", "–"]].concat(
      D.themes.map((t) => [t.id, themeLabel(t.id)])), state.theme2, (v) => set({ theme2: v })));
    const langCount = {};
    D.passages.forEach((p) => { langCount[p.lang] = (langCount[p.lang] || 0) + 1; });
    const langs = Object.keys(langCount).sort((a, b) => langCount[b] - langCount[a] || (a < b ? -1 : 1));
    box.appendChild(select("f-lang", "Language", [["", "any language"]].concat(
      langs.map((l) => [l, langName(l)])), state.lang, (v) => set({ lang: v })));
    box.appendChild(select("f-doc", "Document", [["", "any document"]].concat(
      D.documents.map((d, i) => [String(i), snippet(d.label, 48) + " (" + (d.lang || "?") + ")"])),
      state.doc, (v) => set({ doc: v })));
    const roles = Array.from(new Set(D.passages.map((p) => p.role).filter((r) => r))).sort();
    const roleOpts = [["", "any role"]].concat(roles.map((r) => [r, r]));
    if (D.passages.some((p) => !p.role)) roleOpts.push([ROLE_NONE, "(no role)"]);
    box.appendChild(select("f-role", "Speaker role", roleOpts, state.role, (v) => set({ role: v })));
    box.appendChild(select("f-show", "Show", [["content", "content passages"],
      ["chrome", "page chrome only"], ["all", "all passages"]], state.show, (v) => set({ show: v })));
    box.appendChild(h("button", { type: "button", id: "reset", text: "Reset",
      onclick: () => { Object.assign(state, { q: "", theme: "", theme2: "", lang: "", doc: "",
        role: "", show: "content", limit: PAGE }); drawFilters(); drawPassages(); } }));
  }

  function set(changes) {
    Object.assign(state, changes, { limit: PAGE });
    drawPassages();
  }

  function matches(p, re) {
    if (state.show === "content" && p.bp) return false;
    if (state.show === "chrome" && !p.bp) return false;
    const themes = p.themes || [];
    if (state.theme === THEME_NONE) {
      if (p.bp || themes.length) return false;
    } else if (state.theme === THEME_MODEL_BP) {
      if (!p.codes.some((c) => c.theme === D.boilerplate.id)) return false;
    } else if (state.theme && themes.indexOf(state.theme) < 0) return false;
    if (state.theme2 && themes.indexOf(state.theme2) < 0) return false;
    if (state.lang && p.lang !== state.lang) return false;
    if (state.doc !== "" && p.doc !== Number(state.doc)) return false;
    if (state.role === ROLE_NONE) { if (p.role) return false; } else if (state.role && p.role !== state.role) return false;
    if (re && !re.test(p.text)) return false;
    return true;
  }

  function filtered() {
    const re = searchRegExp("iu");
    const out = [];
    D.passages.forEach((p, k) => { if (matches(p, re)) out.push(k); });
    return out;
  }

  function markedText(p, re) {
    const text = p.text;
    const el = h("p", { class: "ptext", lang: p.lang === "zh" ? (p.script === "Hant" ? "zh-Hant" : "zh-Hans") : (p.lang !== "und" ? p.lang : null) });
    const hits = [];
    if (re) {
      const g = new RegExp(re.source, "giu");
      let m;
      while ((m = g.exec(text)) !== null) {
        if (!m[0].length) { g.lastIndex++; continue; }
        hits.push([m.index, m.index + m[0].length]);
      }
    }
    const cues = p.cues;
    const cuts = new Set([0, text.length]);
    cues.forEach((c) => { cuts.add(c[0]); cuts.add(c[1]); });
    hits.forEach((x) => { cuts.add(x[0]); cuts.add(x[1]); });
    const pts = Array.from(cuts).filter((x) => x >= 0 && x <= text.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i];
      const b = pts[i + 1];
      const piece = text.slice(a, b);
      const on = cues.filter((c) => c[0] <= a && c[1] >= b);
      const hit = hits.some((x) => x[0] <= a && x[1] >= b);
      if (!on.length && !hit) { el.appendChild(document.createTextNode(piece)); continue; }
      const mark = h("mark", { class: (on.length ? "cue" : "") + (hit ? " hit" : ""), text: piece });
      if (on.length) {
        const col = themeColor(on[0][2]);
        mark.style.setProperty("--c", col);
        mark.style.setProperty("--cb", alpha(col, 0.2));
        mark.setAttribute("data-tip", on.map((c) => "cue “" + c[3] + "” → " + themeLabel(c[2])).join("\n"));
        mark.setAttribute("data-themes", Array.from(new Set(on.map((c) => c[2]))).join(" "));
      }
      el.appendChild(mark);
    }
    return el;
  }

  function chip(c) {
    const isBp = c.theme === D.boilerplate.id;
    const col = themeColor(c.theme);
    const label = isBp ? themeLabel(c.theme) + " (model)" : themeLabel(c.theme);
    const el = h("span", { class: "chip" + (isBp ? " model-bp" : ""), "data-theme": c.theme,
      "data-tip": isBp ? "The model judged this passage page chrome" : "Model score for " + label },
      label, h("span", { class: "score", text: c.score === null ? "–" : c.score.toFixed(2) }));
    if (!isBp) {
      el.style.background = alpha(col, 0.16);
      el.style.borderColor = col;
    }
    return el;
  }

  function evidence(p) {
    const withEv = p.codes.filter((c) => c.features.length || c.examples.length ||
      p.cues.some((x) => x[2] === c.theme));
    if (!withEv.length) return null;
    return h("details", { class: "evidence" }, h("summary", { text: "Evidence" }),
      withEv.map((c) => {
        const cues = Array.from(new Set(p.cues.filter((x) => x[2] === c.theme).map((x) => x[3])));
        const div = h("div", { class: "ev" },
          h("b", { text: themeLabel(c.theme) + " " + (c.score === null ? "" : c.score.toFixed(2)) }),
          cues.length ? h("div", null, "cues: " + cues.join(", ")) : null,
          c.features.length ? h("div", null, "strongest features: " + c.features.join(" · ")) : null,
          c.examples.length ? h("div", null, "nearest training passages:",
            c.examples.map((x) => h("div", null, x[0] + " (" + (x[1] === null ? "–" : x[1].toFixed(2)) + "): ",
              h("q", { text: snippet(D.examples[x[0]] || "", 160) })))) : null);
        div.style.setProperty("--c", themeColor(c.theme));
        return div;
      }));
  }

  function card(k, re) {
    const p = D.passages[k];
    const d = docOf(p);
    const first = !p.bp && p.themes && p.themes.length ? themeColor(p.themes[0]) : null;
    const art = h("article", { class: "passage" + (p.bp ? " chrome" : ""), id: "p-" + k,
      "data-k": k, "data-passage-id": p.id, style: first ? { borderLeftColor: first } : null },
      h("header", null,
        h("span", { class: "doc", "data-tip": d.path, text: d.label }),
        h("span", { text: "#" + p.i + " · " + p.kind }),
        p.speaker ? h("span", { class: "badge role-" + (p.role || "none"), text: p.speaker +
          (p.role ? " · " + p.role : "") }) : (p.role ? h("span", { class: "badge role-" + p.role, text: p.role }) : null),
        h("span", { class: "badge", text: p.lang }),
        p.bp ? h("span", { class: "badge chrome", text: "page chrome" + (p.bpr ? ": " + p.bpr : "") }) : null,
        p.dup ? h("span", { class: "badge", "data-tip": p.dup, text: "repeats an earlier passage" }) : null),
      markedText(p, re),
      h("div", { class: "codes" }, p.codes.length ? p.codes.map(chip)
        : h("span", { class: "nothemes", text: p.bp ? "not coded (page chrome)" :
          (p.themes === null ? "not coded" : "no theme") })),
      evidence(p));
    return art;
  }

  function drawPassages() {
    const list = filtered();
    const re = searchRegExp("iu");
    const box = clear(byId("passages"));
    const count = byId("count");
    count.textContent = fmt(list.length) + " of " + fmt(D.passages.length) + " passages" +
      (list.length > state.limit ? " (showing the first " + fmt(state.limit) + ")" : "");
    count.setAttribute("data-count", list.length);
    const frag = document.createDocumentFragment();
    list.slice(0, state.limit).forEach((k) => frag.appendChild(card(k, re)));
    box.appendChild(frag);
    if (!list.length) box.appendChild(h("p", { class: "empty", text: "No passage matches these filters." }));
    const more = clear(byId("more"));
    if (list.length > state.limit) {
      more.appendChild(h("button", { type: "button", id: "show-more",
        text: "Show " + fmt(Math.min(PAGE, list.length - state.limit)) + " more",
        onclick: () => { state.limit += PAGE; drawPassages(); } }));
    }
  }

  function showPassages(changes) {
    Object.assign(state, { q: "", theme: "", theme2: "", lang: "", doc: "", role: "",
      show: "content", limit: PAGE }, changes);
    drawFilters();
    drawPassages();
    byId("browser").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function goToPassage(k) {
    const p = D.passages[k];
    Object.assign(state, { q: "", theme: "", theme2: "", lang: "", role: "", show: "all",
      doc: String(p.doc), limit: PAGE });
    const pos = filtered().indexOf(k);
    state.limit = Math.max(PAGE, Math.ceil((pos + 1) / PAGE) * PAGE);
    drawFilters();
    drawPassages();
    const el = byId("p-" + k);
    if (el) {
      el.scrollIntoView({ behavior: "smooth", block: "center" });
      el.classList.remove("flash");
      void el.offsetWidth;
      el.classList.add("flash");
    }
  }

  function drawAll() {
    drawHeader();
    drawFigures();
    drawPrevalence();
    drawCooccurrence();
    drawDocMap();
    drawFilters();
    drawPassages();
  }

  let resizeTimer = null;
  let lastWidth = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { drawPrevalence(); drawCooccurrence(); }, 150);
  });

  drawAll();
  document.documentElement.setAttribute("data-ready", "true");
})();
