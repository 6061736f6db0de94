// ccsim workbench: the levers of one scenario as forms. Every change is sent
// to /api/validate (the scenario reader judges it); Run, Staff and Save go
// through the server's queue and files. No framework, no build step.
"use strict";
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const $ = (id) => document.getElementById(id);
const file = document.body.dataset.file;
const S = {
  base: null,        // the opened scenario as the server read it
  view: null,        // the edited scenario as last validated
  grids: {},         // group name -> [7][intervals] agents
  group: null,       // group shown in the grid
  sel: null,         // {w0, w1, i0, i1} cells selected by dragging
  savedHash: {},     // file name -> hash of what this page last saved or read
  job: null,
  lastResult: null,
  lastValidate: null,
};
window.ccsim = S;

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
async function api(method, url, body) {
  const r = await fetch(url, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = null;
  try { data = await r.json(); } catch (e) { data = { error: "HTTP " + r.status }; }
  return { ok: r.ok, status: r.status, data };
}
function clearErrors() {
  document.querySelectorAll("[data-err]").forEach((e) => (e.textContent = ""));
}
// Shows each error beside its field: the page's field names end with the
// lever's name (group.NAME.staffing -> staffing, service.NAME.open -> the
// service's row).
function showErrors(data) {
  clearErrors();
  const list = data.fields && data.fields.length ? data.fields : [{ field: data.field || "general", message: data.error }];
  for (const f of list) {
    let el = document.querySelector(`[data-err="${CSS.escape(f.field)}"]`);
    if (!el) {
      const last = (f.field || "").split(".").pop();
      el = document.querySelector(`[data-err="${CSS.escape(last)}"]`) || document.querySelector('[data-err="general"]');
    }
    el.textContent = (el.textContent ? el.textContent + " " : "") + f.message;
  }
}

function edits() {
  const e = { groups: {}, services: {}, call_types: {} };
  for (const g of S.base.groups) {
    const ge = {};
    const grid = S.grids[g.name];
    if (JSON.stringify(grid) !== JSON.stringify(g.staffing)) ge.staffing = grid;
    const sh = S.shrink[g.name];
    if (sh !== undefined && sh !== g.shrinkage) ge.shrinkage = sh;
    if (Object.keys(ge).length) e.groups[g.name] = ge;
  }
  for (const s of S.base.services) {
    const open = DAYS.map((d, w) => $(`open-${s.name}-${w}`).value.trim());
    if (open.join("|") !== s.open.join("|")) e.services[s.name] = { open };
  }
  for (const c of S.base.call_types) {
    const v = parseFloat($(`vol-${c.name}`).value);
    const h = parseFloat($(`hand-${c.name}`).value);
    const ce = {};
    if (!isNaN(v) && v !== 1) ce.volume = v;
    if (!isNaN(h) && h !== 1) ce.handling = h;
    if (Object.keys(ce).length) e.call_types[c.name] = ce;
  }
  const from = $("prio-from").value;
  const share = parseFloat($("prio-share").value);
  if (from && !isNaN(share)) e.priority = { from, share, name: $("prio-name").value.trim() || "priority" };
  return e;
}
function request(extra) {
  const r = { file, edits: edits(), name: $("save-name").value.trim() || null };
  const reps = parseInt($("replications").value, 10);
  const seed = parseInt($("seed").value, 10);
  if (!isNaN(reps)) r.replications = reps;
  if (!isNaN(seed)) r.seed = seed;
  return Object.assign(r, extra || {});
}

let timer = null;
let validating = 0;
function changed() {
  clearTimeout(timer);
  timer = setTimeout(validate, 250);
}
async function validate() {
  const n = ++validating;
  const r = await api("POST", "/api/validate", request());
  if (n !== validating) return r.ok;
  if (!r.ok) {
    showErrors(r.data);
    $("status").textContent = "fix the fields in red";
    return false;
  }
  clearErrors();
  S.view = r.data;
  S.lastValidate = r.data;
  $("changes").innerHTML = r.data.changes.length ? r.data.changes.map((c) => `<li>${esc(c)}</li>`).join("") : "<li>none: the scenario as it is</li>";
  $("overlay").textContent = r.data.overlay;
  $("commands").textContent = Object.entries(r.data.commands).map(([k, v]) => (k === "save" ? "# " + v : v)).join("\n");
  const before = r.data.base_paid_hours, after = r.data.paid_hours;
  $("paid").innerHTML = `Paid agent-hours over the horizon: ${before.toFixed(0)} &rarr; <b>${after.toFixed(0)}</b> (${fmtDelta(after - before, 0)})`;
  if (r.data.grid.first !== S.gridRange.first || r.data.grid.end !== S.gridRange.end) {
    S.gridRange = { first: Math.min(S.gridRange.first, r.data.grid.first), end: Math.max(S.gridRange.end, r.data.grid.end) };
    drawGrid();
  }
  if ($("status").textContent === "fix the fields in red") $("status").textContent = "idle";
  return true;
}
function fmtDelta(x, d) {
  return (x >= 0 ? "+" : "") + x.toFixed(d);
}

// ---------- the staffing grid ----------
function drawGrid() {
  const g = S.group;
  const grid = S.grids[g];
  const base = S.base.groups.find((x) => x.name === g).staffing;
  const labels = S.base.grid.labels;
  let h = "<tr><th></th>" + DAYS.map((d) => `<th>${d}</th>`).join("") + "</tr>";
  for (let i = S.gridRange.first; i < S.gridRange.end; i++) {
    h += `<tr><th>${labels[i]}</th>`;
    for (let w = 0; w < 7; w++) {
      const v = grid[w][i];
      const cls = v !== base[w][i] ? " class=changed" : "";
      h += `<td data-w="${w}" data-i="${i}"${cls}><input id="cell-${w}-${i}" value="${v}" inputmode="numeric"></td>`;
    }
    h += "</tr>";
  }
  $("grid").innerHTML = h;
  markSelection();
  const gv = S.base.groups.find((x) => x.name === g);
  $("grid-hours").textContent = `Scheduled agents per ${S.base.horizon.interval_minutes}-minute interval, Monday first; the scenario as opened has ${gv.paid_hours.toFixed(0)} paid agent-hours for ${g}. Skills: ${gv.skills.join(", ")}.`;
}
function markSelection() {
  document.querySelectorAll("#grid td").forEach((td) => {
    const w = +td.dataset.w, i = +td.dataset.i, s = S.sel;
    td.classList.toggle("sel", !!s && w >= s.w0 && w <= s.w1 && i >= s.i0 && i <= s.i1);
  });
}
function setCell(w, i, v) {
  S.grids[S.group][w][i] = v;
  const input = $(`cell-${w}-${i}`);
  if (input) {
    input.value = v;
    const base = S.base.groups.find((x) => x.name === S.group).staffing[w][i];
    input.parentElement.classList.toggle("changed", v !== base);
  }
}
// The selection typed in the bar (days + hours, as `staff --days --window`).
function selection() {
  const days = parseDays($("sel-days").value);
  const hours = $("sel-hours").value.trim().match(/^(\d\d):(\d\d)-(\d\d):(\d\d)$/);
  if (!days || !hours) {
    document.querySelector('[data-err="staffing"]').textContent = "selection: days like mon or mon-fri, hours like 08:00-10:00";
    return null;
  }
  const m = S.base.horizon.interval_minutes;
  const i0 = Math.floor((+hours[1] * 60 + +hours[2]) / m), i1 = Math.ceil((+hours[3] * 60 + +hours[4]) / m);
  return { days, i0, i1 };
}
function parseDays(s) {
  s = s.trim().toLowerCase();
  if (s === "all") return DAYS.map(() => true);
  const out = DAYS.map(() => false);
  for (const part of s.split(",")) {
    const [a, b] = part.split("-");
    const ia = DAYS.indexOf(a), ib = DAYS.indexOf(b ?? a);
    if (ia < 0 || ib < 0 || ib < ia) return null;
    for (let w = ia; w <= ib; w++) out[w] = true;
  }
  return out;
}
function apply(op) {
  const s = selection();
  if (!s) return;
  const n = parseFloat($("sel-n").value), f = parseFloat($("sel-f").value);
  for (let w = 0; w < 7; w++) {
    if (!s.days[w]) continue;
    for (let i = s.i0; i < s.i1; i++) {
      const v = S.grids[S.group][w][i];
      setCell(w, i, op === "add" ? v + n : op === "set" ? n : Math.round(v * f));
    }
  }
  changed();
}
function initGridEvents() {
  const grid = $("grid");
  let anchor = null;
  grid.addEventListener("mousedown", (e) => {
    const td = e.target.closest("td");
    if (!td) return;
    anchor = { w: +td.dataset.w, i: +td.dataset.i };
    S.sel = { w0: anchor.w, w1: anchor.w, i0: anchor.i, i1: anchor.i };
    markSelection();
  });
  grid.addEventListener("mouseover", (e) => {
    const td = e.target.closest("td");
    if (!td || !anchor || e.buttons !== 1) return;
    const w = +td.dataset.w, i = +td.dataset.i;
    S.sel = { w0: Math.min(anchor.w, w), w1: Math.max(anchor.w, w), i0: Math.min(anchor.i, i), i1: Math.max(anchor.i, i) };
    markSelection();
  });
  document.addEventListener("mouseup", () => {
    if (!anchor || !S.sel) return;
    anchor = null;
    const s = S.sel, lab = S.base.grid.labels;
    $("sel-days").value = s.w0 === s.w1 ? DAYS[s.w0] : `${DAYS[s.w0]}-${DAYS[s.w1]}`;
    const end = s.i1 + 1 < lab.length ? lab[s.i1 + 1] : "24:00";
    $("sel-hours").value = `${lab[s.i0]}-${end}`;
  });
  grid.addEventListener("change", (e) => {
    const td = e.target.closest("td");
    if (!td) return;
    const raw = e.target.value.trim();
    const v = Number(raw);
    // Anything typed goes to the server as a number, or as NaN refused here.
    if (raw === "" || isNaN(v)) {
      document.querySelector('[data-err="staffing"]').textContent = `${DAYS[td.dataset.w]} ${S.base.grid.labels[td.dataset.i]}: "${raw}" is not a number`;
      return;
    }
    setCell(+td.dataset.w, +td.dataset.i, v);
    changed();
  });
}

// ---------- the other levers ----------
function drawLevers() {
  const b = S.base;
  $("services").innerHTML = b.services.map((s) =>
    `<div class="field" data-field="service.${esc(s.name)}.open"><b>${esc(s.name)}</b> ` +
    DAYS.map((d, w) => `<label>${d} <input id="open-${esc(s.name)}-${w}" value="${esc(s.open[w])}" size="11"></label>`).join(" ") +
    (s.open_changes ? ` <span class="small">(${s.open_changes} later change(s) of hours are kept)</span>` : "") +
    `<div class="small">Targets: ${esc(s.targets.join("; ") || "none")}</div>` +
    `<span class="err" data-err="service.${esc(s.name)}.open"></span></div>`).join("");
  $("call-types").innerHTML = b.call_types.map((c) =>
    `<div class="field"><b>${esc(c.name)}</b> <span class="small">(${esc(c.service)}, ${esc(c.channel)}, priority ${c.priority})</span> ` +
    `<label>volume &times; <input id="vol-${esc(c.name)}" type="number" step="0.05" value="1" style="width:5em"></label> ` +
    `<label>handling time &times; <input id="hand-${esc(c.name)}" type="number" step="0.05" value="1" style="width:5em"></label>` +
    `<span class="err" data-err="call_type.${esc(c.name)}.volume"></span><span class="err" data-err="call_type.${esc(c.name)}.handling"></span></div>`).join("");
  $("prio-from").innerHTML = '<option value="">(none)</option>' + b.call_types.map((c) => `<option>${esc(c.name)}</option>`).join("");
  const opts = b.groups.map((g) => `<option>${esc(g.name)}</option>`).join("");
  $("group").innerHTML = opts;
  $("staff-group").innerHTML = opts;
  document.querySelectorAll("#services input, #call-types input, #prio-share, #prio-from, #prio-name, #save-name, #replications, #seed").forEach((el) => el.addEventListener("change", changed));
}

// ---------- run, staff, save ----------
async function poll(job, onDone) {
  S.job = job;
  $("cancel").disabled = false;
  for (;;) {
    const r = await api("GET", `/api/jobs/${job.id}`);
    if (!r.ok) { $("status").textContent = r.data.error; break; }
    const j = r.data;
    const frac = j.total ? j.done / j.total : null;
    if (frac === null) $("progress").removeAttribute("value"); else $("progress").value = frac;
    $("status").textContent = `${j.kind} ${j.state}` + (j.total ? ` (${j.done}/${j.total} replications, ${j.elapsed_s.toFixed(1)} s)` : ` (${j.elapsed_s.toFixed(1)} s)`);
    if (j.state === "done") { $("progress").value = 1; onDone(j); break; }
    if (j.state === "failed") { $("status").textContent = `${j.kind} failed: ${j.error}`; break; }
    if (j.state === "cancelled") break;
    await new Promise((res) => setTimeout(res, 250));
  }
  $("cancel").disabled = true;
  S.job = null;
}
async function run() {
  if (!(await validate())) return;
  $("results").innerHTML = "";
  $("status").textContent = "queued";
  const r = await api("POST", "/api/run", request());
  if (!r.ok) { showErrors(r.data); $("status").textContent = r.data.error; return; }
  await poll(r.data, (j) => showResult(j));
}
function compTable(title, base, edited) {
  const rows = [];
  base.services.forEach((s, k) => {
    const e = edited && edited.services.find((x) => x.name === s.name);
    const add = (scope, list, elist) => list.forEach((c, n) => {
      const ec = elist && elist.find((x) => x.indicator === c.indicator && x.call_type === c.call_type);
      rows.push(`<tr><td>${esc(s.name)}</td><td>${esc(scope)}</td><td>${esc(c.indicator)}${c.call_type ? " (" + esc(c.call_type) + ")" : ""}</td><td>${esc(c.target)}</td>` +
        `<td>${esc(c.value)}</td><td class="${c.status}">${c.status}</td><td>${(c.p_met * 100).toFixed(0)}%</td>` +
        (edited ? (ec ? `<td>${esc(ec.value)}</td><td class="${ec.status}">${ec.status}</td><td>${(ec.p_met * 100).toFixed(0)}%</td>` : "<td colspan=3>-</td>") : "") + "</tr>");
    });
    add("horizon", s.compliance, e && e.compliance);
    s.windows.forEach((w) => {
      const ew = e && e.windows.find((x) => x.name === w.name);
      add(w.name, w.compliance, ew && ew.compliance);
    });
  });
  const head = "<tr><th>service</th><th>window</th><th>indicator</th><th>target</th><th>as it is</th><th>status</th><th>P(met)</th>" +
    (edited ? "<th>edited</th><th>status</th><th>P(met)</th>" : "") + "</tr>";
  return `<h3>${esc(title)}</h3><table class="comp">${head}${rows.join("")}</table>`;
}
function showResult(j) {
  const r = j.result;
  S.lastResult = r;
  const b = r.base, e = r.edited;
  let h = `<h2>Results</h2><p class="small">${r.replications} replications, seed ${r.seed}, ccsim ${esc(r.version)}; simulated in ${r.simulation_s.toFixed(1)} s. Command: <code>${esc(j.command)}</code></p>`;
  const money = (c) => (c.cost == null ? "" : `, cost ${c.cost.toFixed(0)} ${esc(c.currency || "")}`);
  h += `<p class="paid" id="paid-result">Paid agent-hours: as it is <b id="paid-base">${b.cost.paid_agent_hours.toFixed(0)}</b> (${b.cost.fte.toFixed(1)} FTE${money(b.cost)})`;
  if (e) h += `; edited <b id="paid-edited">${e.cost.paid_agent_hours.toFixed(0)}</b> (${e.cost.fte.toFixed(1)} FTE${money(e.cost)}), change <b id="paid-delta">${fmtDelta(e.cost.paid_agent_hours - b.cost.paid_agent_hours, 0)}</b>`;
  h += "</p>";
  h += compTable("Compliance: value ± 95% CI, target, status, P(met)", b, e);
  if (r.comparison) h += `<h3>Paired comparison (common random numbers), as <code>ccsim compare</code> gives it</h3><pre id="comparison">${esc(r.comparison)}</pre>`;
  h += `<p><a id="report-link" href="/api/jobs/${j.id}/report.html" download="report.html">Download the report (report.html with its plots)</a> &mdash; <code>${esc(r.report_command)}</code></p>`;
  h += `<h3>Plots</h3><div class="figures">${r.figures.join("")}</div>`;
  $("results").innerHTML = h;
  $("status").textContent = "done";
}
async function cancel() {
  if (S.job) await api("POST", `/api/jobs/${S.job.id}/cancel`);
  $("status").textContent = "cancelled";
}
async function staff() {
  if (!(await validate())) return;
  $("staff-status").textContent = "queued";
  const r = await api("POST", "/api/staff", request({ group: $("staff-group").value, days: $("staff-days").value.trim() || null, window: $("staff-window").value.trim() || null }));
  if (!r.ok) { showErrors(r.data); $("staff-status").textContent = r.data.error; return; }
  $("staff-status").textContent = "searching (see the run status)";
  await poll(r.data, (j) => {
    const g = j.result.group;
    S.grids[g] = j.result.staffing.map((d) => d.slice());
    S.group = g;
    $("group").value = g;
    drawGrid();
    $("staff-answer").textContent = j.result.answer + "\n" + j.command;
    $("staff-status").textContent = "done: the grid holds the staffing found";
    changed();
  });
}
async function save() {
  const name = $("save-name").value.trim();
  const r = await api("POST", "/api/save", request({ hash: S.base.hash, overwrite: $("save-replace").checked, target_hash: S.savedHash[name] || null }));
  if (!r.ok) { showErrors(r.data); $("save-status").textContent = ""; return; }
  clearErrors();
  S.savedHash[r.data.saved] = r.data.hash;
  $("save-status").innerHTML = `saved <a id="open-saved" href="${esc(r.data.url)}">${esc(r.data.saved)}</a>`;
}

async function load() {
  const r = await api("GET", `/api/scenario/${encodeURIComponent(file)}`);
  if (!r.ok) { $("load-error").textContent = r.data.error; return; }
  const b = (S.base = r.data);
  document.title = `ccsim workbench: ${b.name}`;
  $("title").textContent = `${b.name} (${b.file})`;
  $("description").textContent = b.description || "";
  $("facts").textContent = `${b.horizon.start} to ${b.horizon.end} (${b.horizon.days} days), ${b.horizon.interval_minutes}-minute intervals, ${b.horizon.holidays.length} holidays` +
    (b.extends.length ? `; extends ${b.extends.join(" <- ")}` : "") + `; windows: ${b.windows.map((w) => w.name).join(", ") || "none"}; paid agent-hours ${b.paid_hours.toFixed(0)}.`;
  $("warnings").innerHTML = b.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
  S.savedHash[b.file] = b.hash;
  for (const g of b.groups) S.grids[g.name] = g.staffing.map((d) => d.slice());
  S.shrink = {};
  S.group = b.groups.length ? b.groups[0].name : null;
  S.gridRange = { first: b.grid.first, end: b.grid.end };
  $("replications").value = b.default_replications;
  $("seed").value = b.run.seed;
  $("save-name").value = b.suggested_name;
  drawLevers();
  if (S.group) {
    $("shrinkage").value = b.groups[0].shrinkage;
    drawGrid();
  }
  initGridEvents();
  $("group").addEventListener("change", () => {
    S.group = $("group").value;
    $("shrinkage").value = S.shrink[S.group] ?? b.groups.find((g) => g.name === S.group).shrinkage;
    drawGrid();
  });
  $("shrinkage").addEventListener("change", () => { S.shrink[S.group] = parseFloat($("shrinkage").value); changed(); });
  $("sel-add").addEventListener("click", () => apply("add"));
  $("sel-set").addEventListener("click", () => apply("set"));
  $("sel-mul").addEventListener("click", () => apply("mul"));
  $("run").addEventListener("click", run);
  $("cancel").addEventListener("click", cancel);
  $("staff").addEventListener("click", staff);
  $("save").addEventListener("click", save);
  S.ready = true;
  await validate();
}
load();
