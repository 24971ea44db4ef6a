// Health pings: Glance's /api/feed WebSocket says when a shard of a Glance cluster reported (at most
// once per shard per snapshot interval, even when nothing changed); each ping makes its tile pulse.
// Pings only ever show as motion, so the socket is open only while animations are on.
import { motionOn, onMotionChange, pulse } from './motion.js';

/** @param {Map<string, HTMLElement>} gridsByCluster grid of each Glance cluster name */
export function setupPings(gridsByCluster) {
  if (gridsByCluster.size === 0 || !('WebSocket' in window)) return;
  let socket = null;
  let failures = 0;
  let timer = 0;

  function open() {
    clearTimeout(timer);
    if (socket || !motionOn()) return;
    // A page opened with ?token= passes it on, so private clusters pulse for those who may see them.
    const token = new URLSearchParams(location.search).get('token');
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/feed${query}`);
    socket.addEventListener('open', () => { failures = 0; });
    socket.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      if (m.op !== 'health_ping') return;
      const grid = gridsByCluster.get(m.payload.cluster);
      const tile = grid && grid.children[m.payload.shard];
      if (tile) pulse(tile);
    });
    socket.addEventListener('close', () => {
      socket = null;
      if (!motionOn()) return;
      failures += 1;
      timer = setTimeout(open, Math.min(60_000, 1_000 * 2 ** Math.min(failures, 6)));
    });
  }

  onMotionChange((on) => {
    if (on) open();
    else if (socket) socket.close();
  });
  open();
}
