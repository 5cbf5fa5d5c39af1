namespace Chronos.Hypervisor.Api;

/// <summary>
/// The operator's view: worlds with their usage, the selected world's sessions and audit tail,
/// refreshed every 2 s from the same read-only API. One self-contained page (no build step, no
/// CDN: the control plane may have no internet). Text goes in with textContent, never innerHTML,
/// because audit names and session environments are attacker-controlled.
/// </summary>
internal static class Dashboard
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Chronos</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; background: #f6f7f9; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e6ea; font-variant-numeric: tabular-nums; }
  th { background: #eef1f4; font-weight: 600; }
  tr.world { cursor: pointer; } tr.selected { background: #dde9ff; }
  td.mono { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
  #status { color: #666; font-size: .85rem; }
  .live { color: #0a7b32; font-weight: 600; } .ended { color: #888; }
</style>
</head>
<body>
<h1>Chronos <span id="status"></span></h1>
<h2>Worlds</h2>
<table><thead><tr><th>world</th><th>persona</th><th>bytes used / quota</th><th>inodes used / quota</th><th>created</th></tr></thead><tbody id="worlds"></tbody></table>
<h2>Sessions <span id="session-world"></span></h2>
<table><thead><tr><th>id</th><th>user</th><th>from</th><th>started</th><th>cwd</th><th>state</th></tr></thead><tbody id="sessions"></tbody></table>
<h2>Audit (latest 50)</h2>
<table><thead><tr><th>time</th><th>session</th><th>op</th><th>inode</th><th>name</th><th>details</th></tr></thead><tbody id="audit"></tbody></table>
<script>
"use strict";
// The selected world lives in the URL (#world), so a view can be bookmarked or shared.
let selected = decodeURIComponent(location.hash.slice(1)) || null;
window.onhashchange = () => { selected = decodeURIComponent(location.hash.slice(1)) || null; refresh(); };

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
}
const audit = [];
let auditAfter = "0", auditWorld = null;
let busy = false; // a click and the timer must not both append the same audit page

function row(cells, cls) {
  const tr = document.createElement("tr");
  if (cls) tr.className = cls;
  for (const c of cells) {
    const td = document.createElement("td");
    if (c && typeof c === "object") { td.textContent = c.text; td.className = c.cls || ""; } else td.textContent = c ?? "";
    tr.appendChild(td);
  }
  return tr;
}
async function get(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}
async function refresh() {
  if (busy) return;
  busy = true;
  try {
    const worlds = await get("/api/worlds");
    if ((!selected || !worlds.some(w => w.name === selected)) && worlds.length) selected = worlds[0].name;
    const tbody = document.getElementById("worlds");
    tbody.replaceChildren(...worlds.map(w => {
      const tr = row([w.name, w.persona, `${bytes(w.usedBytes)} / ${bytes(w.quotaBytes)}`, `${w.usedInodes} / ${w.quotaInodes}`, new Date(w.created).toLocaleString()],
        "world" + (w.name === selected ? " selected" : ""));
      tr.onclick = () => { location.hash = encodeURIComponent(w.name); };
      return tr;
    }));
    document.getElementById("session-world").textContent = selected ? "in " + selected : "";
    if (selected) {
      const sessions = await get(`/api/worlds/${encodeURIComponent(selected)}/sessions`);
      document.getElementById("sessions").replaceChildren(...sessions.map(s =>
        row([{ text: s.id, cls: "mono" }, s.user, s.sourceAddress, new Date(s.started).toLocaleString(), { text: s.cwd, cls: "mono" },
             s.ended ? { text: "ended", cls: "ended" } : { text: "live", cls: "live" }])));
      if (auditWorld !== selected) { audit.length = 0; auditAfter = "0"; auditWorld = selected; }
      for (;;) {
        const page = await get(`/api/worlds/${encodeURIComponent(selected)}/audit?after=${auditAfter}&count=1000`);
        audit.push(...page.events);
        auditAfter = page.next;
        if (audit.length > 50) audit.splice(0, audit.length - 50);
        if (page.events.length < 1000) break;
      }
      document.getElementById("audit").replaceChildren(...audit.slice().reverse().map(e =>
        row([new Date(e.time).toLocaleTimeString(), { text: e.session ?? "", cls: "mono" }, e.op, e.ino, { text: e.name ?? "", cls: "mono" },
             { text: Object.entries(e.extra).map(([k, v]) => `${k}=${v}`).join(" "), cls: "mono" }])));
    }
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (err) {
    document.getElementById("status").textContent = "API unreachable: " + err.message;
  } finally {
    busy = false;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
""";
}
