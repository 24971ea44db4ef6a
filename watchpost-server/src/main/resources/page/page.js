// The status page's browser side: live states over SSE, guild search, the motion switch, tiles and
// day bars read by keyboard and touch. The page is complete without it; this keeps it current and
// makes it easier to read.
import { connect } from './live.js';
import { setupGuild } from './guild.js';
import { setupMotion, pulse } from './motion.js';
import { setupPings } from './pings.js';
import { setupTiles } from './tiles.js';
import { setupDays } from './days.js';
import { timeText } from './times.js';

const label = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// A private page is opened with ?token=...; keep it on our own links and requests.
const token = new URLSearchParams(location.search).get('token');
const withToken = (u) => {
  if (!token) return u;
  const at = u.indexOf('#'); // the token goes into the query, before any fragment (/#group:web, #response-time)
  const [path, fragment] = at < 0 ? [u, ''] : [u.slice(0, at), u.slice(at)];
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${fragment}`;
};
if (token) {
  for (const a of document.querySelectorAll('a[href^="/"]')) a.setAttribute('href', withToken(a.getAttribute('href')));
}

setupMotion(document.getElementById('motion'));

const grids = new Map();
for (const g of document.querySelectorAll('ol.grid[data-group]')) grids.set(g.dataset.group, g);
const rows = new Map();
for (const r of document.querySelectorAll('li.target[data-target]')) rows.set(r.dataset.target, r);
setupGuild(document.getElementById('guild-form'), [...grids.values()]);
// A tile shows its details on hover, focus, click and tap; Enter or the details' link opens its page
// (an anchor in each of 5,000 tiles would weigh on the page).
const tileChanged = setupTiles([...grids.values()], withToken);
setupDays(document);
setupPings(new Map([...grids.values()].map((g) => [g.dataset.cluster, g])));

/** The tile or row showing {@code id}, if this page shows it. */
function find(id) {
  const row = rows.get(id);
  if (row) return { row };
  const slash = id.lastIndexOf('/');
  const grid = slash > 0 ? grids.get(id.slice(0, slash)) : undefined;
  if (!grid) return null;
  const n = id.slice(slash + 1);
  const tile = /^[0-9]+$/.test(n) ? grid.children[Number(n)] : undefined;
  return tile ? { tile, n } : null;
}

/** Shows {@code state} for target {@code id}; true when something changed. */
function apply(id, state, animate) {
  const el = find(id);
  if (!el) return false;
  const node = el.tile || el.row;
  if (node.dataset.state === state) return false;
  node.dataset.state = state;
  if (el.tile) {
    el.tile.title = `Shard ${el.n}: ${label(state)}`;
    tileChanged(el.tile);
  } else {
    const text = el.row.querySelector('.state .label');
    if (text) text.textContent = label(state);
  }
  if (animate) pulse(node);
  return true;
}

// Banner and group summaries are the server's verdict (/status.json), fetched once changes settle;
// the random part spreads the requests of many viewers that saw the same change.
let summaryTimer = 0;
function refreshSummary() {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(async () => {
    try {
      const res = await fetch(withToken('/status.json'), { cache: 'no-store' });
      if (!res.ok) return;
      const s = await res.json();
      const banner = document.getElementById('banner');
      if (banner) {
        banner.dataset.level = s.banner.level;
        banner.querySelector('.banner-text').textContent = s.banner.title;
        const time = banner.querySelector('time');
        time.dateTime = s.generated_at;
        time.textContent = timeText(s.generated_at);
      }
      for (const el of document.querySelectorAll('[data-summary]')) {
        const text = s.groups[el.dataset.summary];
        if (text !== undefined) el.textContent = text;
      }
    } catch {
      // the next change tries again
    }
  }, 300 + Math.random() * 700);
}

const conn = document.getElementById('conn');
const connText = { live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline, retrying' };
function status(s) {
  if (s === 'live' && window.__live === undefined) window.__live = performance.now();
  if (!conn) return;
  conn.dataset.conn = s;
  conn.querySelector('.conn-text').textContent = connText[s] || s;
}

if (conn) {
  // The page was rendered from this snapshot: the stream sends only what changed since.
  const since = document.getElementById('banner')?.dataset.since || '';
  connect(withToken('/api/v1/stream'), since, {
    snapshot(snap) {
      // On every (re)connect: catch up with whatever changed meanwhile, without animation.
      let changed = false;
      for (const t of snap.targets) changed = apply(t.id, t.state, false) || changed;
      if (changed) refreshSummary();
    },
    transition(t) {
      if (apply(t.target, t.to, true)) refreshSummary();
    },
    status,
  });
}

// For tests and the benchmark: the page is set up and its first frame after that is painted.
requestAnimationFrame(() => { window.__rendered = performance.now(); });
