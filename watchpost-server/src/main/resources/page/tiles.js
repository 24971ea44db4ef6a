// Shard tiles read by hover, keyboard and touch. A grid holds up to 5,000 bare <li>s, so nothing is
// added per tile: each grid gets one details panel (a polite live region) below it, and one tile at
// a time is focusable (roving tabindex), so the whole grid is a single tab stop. The details come
// from the read API when a tile is looked at, once per tile and kept briefly.
import { timeText } from './times.js';

const KEEP_MS = 15_000; // long enough for going back and forth, short enough to show a fresh message
const REST_MS = 150; // the pointer or the arrow keys rest this long before a request: sweeping asks nothing
const PAGE_ROWS = 5; // PageUp / PageDown
const MAX_METRICS = 8;

const label = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** "3 h 5 min", "2 d 4 h", "43 s": how long a state has lasted, as the server writes it. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A report's metrics, one level deep ({@code shards.up}), as the target page lists them. */
function metrics(m) {
  const out = [];
  const value = (v) => (typeof v === 'number' ? number.format(v) : v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  for (const [k, v] of Object.entries(m || {})) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [ik, iv] of Object.entries(v)) out.push([`${k}.${ik}`, value(iv)]);
    } else {
      out.push([k, value(v)]);
    }
  }
  return out.slice(0, MAX_METRICS);
}

/**
 * @param {HTMLElement[]} grids the page's {@code ol.grid}s
 * @param {function(string): string} withToken keeps the page's ?token= on a URL
 * @returns {function(HTMLElement)} to call when a tile's state changed (live feed)
 */
export function setupTiles(grids, withToken) {
  const cache = new Map(); // target id -> {at, promise}
  const panels = new Map(); // grid -> {panel, tile shown, tile chosen by focus or tap, timer}

  const href = (grid, tile) => withToken(`/targets/${grid.dataset.group}/${tile.dataset.shard}`);

  function details(id) {
    const hit = cache.get(id);
    if (hit && performance.now() - hit.at < KEEP_MS) return hit.promise;
    // encodeURI keeps the slashes of the id: /api/v1/targets/bots/main/17
    const promise = fetch(withToken(`/api/v1/targets/${encodeURI(id)}`), { headers: { Accept: 'application/json' } })
      .then(async (res) => {
        if (res.status === 404) return { missing: true };
        if (!res.ok) return { error: `HTTP ${res.status}` };
        return (await res.json()).target;
      })
      .catch(() => ({ error: 'the server cannot be reached' }));
    cache.set(id, { at: performance.now(), promise });
    promise.then((r) => { if (r.error) cache.delete(id); }); // failures are asked again next time
    return promise;
  }

  /** Number and state at once (from the tile), the rest when the API has answered. */
  function show(grid, tile, fetchNow) {
    const p = panels.get(grid);
    if (p.tile !== tile && p.tile) p.tile.classList.remove('shown');
    p.tile = tile;
    tile.classList.add('shown');
    const n = tile.dataset.shard;
    if (p.number && document.activeElement !== p.number) p.number.value = n;
    const state = tile.dataset.state;
    const head = el('p', 'tile-head');
    head.append(el('strong', null, `Shard ${n}`), ' ');
    const st = el('span', 'state');
    st.dataset.state = state;
    const sym = el('span', 'sym');
    sym.setAttribute('aria-hidden', 'true');
    st.append(sym, el('span', 'label', label(state)));
    head.append(st);
    const since = el('span', 'since');
    head.append(since);
    const rest = el('div', 'tile-rest');
    const link = el('a', null, `Open shard ${n}'s page`);
    link.href = href(grid, tile);
    const open = el('p', 'tile-link');
    open.append(link);
    p.panel.replaceChildren(head, rest, open);
    clearTimeout(p.timer);
    const id = `${grid.dataset.group}/${n}`;
    p.panel.setAttribute('aria-busy', 'true'); // read out once, when complete
    const fill = () => details(id).then((t) => {
      if (p.tile !== tile || !rest.isConnected) return; // another tile is shown by now
      p.panel.setAttribute('aria-busy', 'false');
      if (t.missing) {
        rest.replaceChildren(el('p', 'note', 'No details for this shard.'));
        return;
      }
      if (t.error) {
        rest.replaceChildren(el('p', 'note', `Details could not be loaded (${t.error}).`));
        return;
      }
      if (t.state) { // the answer may be a moment ahead of the live feed
        st.dataset.state = t.state;
        st.lastChild.textContent = label(t.state);
      }
      if (t.since) {
        const at = new Date(t.since);
        since.textContent = ` since ${timeText(t.since, false)} (${duration(Date.now() - at.getTime())})`;
      }
      const parts = [];
      if (t.message) parts.push(el('p', 'tile-msg', t.message));
      const list = metrics(t.metrics);
      if (t.latency_ms !== undefined && !list.some(([k]) => k === 'latency_ms')) list.unshift(['latency', `${number.format(t.latency_ms)} ms`]);
      if (list.length) {
        const dl = el('dl', 'tile-metrics');
        for (const [k, v] of list) {
          const d = el('div');
          d.append(el('dt', null, k), el('dd', null, v));
          dl.append(d);
        }
        parts.push(dl);
      }
      if (!parts.length) parts.push(el('p', 'note', t.last_seen ? 'No message or metrics in its last report.' : 'It has not reported yet.'));
      rest.replaceChildren(...parts);
    });
    const hit = cache.get(id);
    if (fetchNow || (hit && performance.now() - hit.at < KEEP_MS)) fill();
    else {
      rest.replaceChildren(el('p', 'note', 'Loading details…'));
      p.timer = setTimeout(fill, REST_MS);
    }
  }

  /** Shows shard {@code n}'s details as a tap on its tile would; a number the grid lacks is said so. */
  function pick(grid, n) {
    const p = panels.get(grid);
    const last = grid.children.length - 1;
    if (!Number.isInteger(n) || n < 0 || n > last) {
      if (p.tile) p.tile.classList.remove('shown');
      p.tile = null;
      p.panel.setAttribute('aria-busy', 'false');
      p.panel.replaceChildren(el('p', 'note', `No shard ${Number.isNaN(n) ? '' : n + ' '}here: the shards are 0 to ${last}.`));
      return;
    }
    const tile = grid.children[n];
    rove(grid, tile, false);
    p.chosen = tile;
    show(grid, tile, true);
    // the panel is what was asked for; on a phone it sits a long grid below the field
    tile.scrollIntoView({ block: 'nearest' });
    p.panel.scrollIntoView({ block: 'nearest' });
  }

  /**
   * A shard by its number, and the one before or after: the tiles of a large grid are 14 px, too
   * small to aim at with a finger (WCAG 2.5.8 asks 24), so the same is offered through controls of
   * a finger's size. Made here, not in the page's markup: nothing is added per tile.
   */
  function picker(grid) {
    const p = panels.get(grid);
    const form = el('form', 'tile-pick');
    form.noValidate = true; // a number out of range gets the panel's sentence, not the browser's bubble
    const label = el('label', null, 'Shard ');
    const number = el('input');
    Object.assign(number, { type: 'number', min: '0', max: String(grid.children.length - 1), step: '1', inputMode: 'numeric' });
    number.setAttribute('aria-describedby', p.panel.id);
    label.append(number);
    const go = el('button', null, 'Show');
    go.type = 'submit';
    const step = (by, text, name) => {
      const b = el('button', null, text);
      b.type = 'button';
      b.setAttribute('aria-label', name);
      b.addEventListener('click', () => {
        const from = p.chosen || p.tile;
        const last = grid.children.length - 1;
        pick(grid, Math.max(0, Math.min(last, (from ? Number(from.dataset.shard) : -by) + by)));
      });
      return b;
    };
    form.append(label, go, step(-1, '‹', 'Previous shard'), step(1, '›', 'Next shard'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      pick(grid, number.value.trim() === '' ? NaN : Number(number.value));
    });
    p.number = number;
    grid.before(form);
  }

  /** Moves the grid's one tab stop to {@code tile}. */
  function rove(grid, tile, focus) {
    const current = grid.querySelector('li[tabindex="0"]');
    if (current && current !== tile) current.removeAttribute('tabindex');
    tile.tabIndex = 0;
    if (focus) tile.focus();
  }

  /** Tiles per row as laid out now (the grid wraps with the page's width). */
  function columns(grid) {
    const top = grid.children[0].offsetTop;
    let n = 1;
    while (n < grid.children.length && grid.children[n].offsetTop === top) n++;
    return n;
  }

  for (const grid of grids) {
    if (!grid.children.length) continue;
    const panel = el('div', 'tile-info');
    panel.id = `tiles-${grid.dataset.group}`;
    panel.setAttribute('role', 'status');
    panel.setAttribute('aria-live', 'polite');
    panel.append(el('p', 'note', grid.classList.contains('numbered')
      ? 'Point at, tap or focus a shard (Tab, then the arrow keys) for its details; Enter opens its page.'
      : 'Point at, tap or focus a shard (Tab, then the arrow keys), or give its number above, for its details; Enter opens its page.'));
    grid.after(panel);
    grid.setAttribute('aria-describedby', panel.id);
    panels.set(grid, { panel, tile: null, chosen: null, timer: 0, number: null });
    rove(grid, grid.querySelector('li.found') || grid.children[0], false);
    if (!grid.classList.contains('numbered')) picker(grid);

    // Hover is the mouse's: a finger's tap is a click (below), and must not leave a hover behind.
    grid.addEventListener('pointerover', (e) => {
      const tile = e.pointerType === 'mouse' && e.target.closest('li[data-shard]');
      if (tile && grid.contains(tile) && tile !== panels.get(grid).tile) show(grid, tile, false);
    });
    // Leaving the grid (say, for the panel's link, across other tiles) brings back the tile chosen.
    grid.addEventListener('pointerleave', (e) => {
      const p = panels.get(grid);
      if (e.pointerType === 'mouse' && p.chosen && p.tile !== p.chosen) show(grid, p.chosen, true);
    });
    grid.addEventListener('focusin', (e) => {
      const tile = e.target.closest('li[data-shard]');
      if (!tile) return;
      panels.get(grid).chosen = tile;
      show(grid, tile, false);
    });
    // A click or tap shows the details (touch has no hover, and no tooltip); the panel's link opens the page.
    grid.addEventListener('click', (e) => {
      const tile = e.target.closest('li[data-shard]');
      if (!tile) return;
      rove(grid, tile, true);
      panels.get(grid).chosen = tile;
      show(grid, tile, true);
    });
    grid.addEventListener('keydown', (e) => {
      const tile = e.target.closest('li[data-shard]');
      if (!tile || e.altKey || e.ctrlKey || e.metaKey) return;
      const i = Number(tile.dataset.shard);
      const last = grid.children.length - 1;
      let to;
      switch (e.key) {
        case 'ArrowRight': to = i + 1; break;
        case 'ArrowLeft': to = i - 1; break;
        case 'ArrowDown': to = i + columns(grid); break;
        case 'ArrowUp': to = i - columns(grid); break;
        case 'PageDown': to = i + columns(grid) * PAGE_ROWS; break;
        case 'PageUp': to = i - columns(grid) * PAGE_ROWS; break;
        case 'Home': to = 0; break;
        case 'End': to = last; break;
        case 'Enter':
          e.preventDefault();
          location.href = href(grid, tile);
          return;
        case ' ':
          e.preventDefault();
          show(grid, tile, true);
          return;
        default: return;
      }
      e.preventDefault();
      rove(grid, grid.children[Math.max(0, Math.min(last, to))], true);
    });
  }

  return (tile) => {
    const grid = tile.parentElement;
    const p = panels.get(grid);
    if (!p) return;
    cache.delete(`${grid.dataset.group}/${tile.dataset.shard}`);
    if (p.tile === tile) show(grid, tile, true);
  };
}
