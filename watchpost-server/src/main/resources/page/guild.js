// Guild search: which shard serves a Discord server, in every sharded group on the page.
// Discord's rule is shard = (guild_id >> 22) % shards on the unsigned 64-bit id: done with BigInt,
// never a float (a 19-digit id does not fit a double). The checks and messages are the server's
// (page.GuildQuery), so the page says the same with JavaScript off.

const MAX = (1n << 64n) - 1n;

/** @returns {{id: bigint}|{error: string}} */
export function check(input) {
  const raw = input.trim();
  if (raw === '') return { error: 'Enter a guild id: the number Discord shows for a server (up to 20 digits).' };
  if (!/^[0-9]+$/.test(raw)) return { error: 'A guild id has digits only (0-9).' };
  const id = BigInt(raw);
  if (raw.length > 20 || id > MAX) return { error: 'That is larger than any Discord id (at most 18446744073709551615).' };
  if (id === 0n) return { error: 'A guild id is at least 1.' };
  return { id };
}

export function shardOf(id, shards) {
  return Number((id >> 22n) % BigInt(shards));
}

const label = (s) => s.charAt(0).toUpperCase() + s.slice(1);

export function setupGuild(form, grids) {
  if (!form) return;
  const input = form.querySelector('#guild');
  const msg = form.querySelector('#guild-msg');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (const t of document.querySelectorAll('.grid li.found')) {
      t.classList.remove('found');
      t.removeAttribute('aria-current');
    }
    const r = check(input.value);
    if (r.error) {
      input.setAttribute('aria-invalid', 'true');
      msg.dataset.error = 'true';
      msg.textContent = r.error;
      return;
    }
    input.removeAttribute('aria-invalid');
    delete msg.dataset.error;
    const parts = [];
    let first = null;
    for (const grid of grids) {
      const shard = shardOf(r.id, Number(grid.dataset.shards));
      const tile = grid.children[shard];
      tile.classList.add('found');
      tile.setAttribute('aria-current', 'true');
      // The grid's one tab stop moves to the shard found, so Tab lands on it (see tiles.js).
      grid.querySelector('li[tabindex="0"]')?.removeAttribute('tabindex');
      tile.tabIndex = 0;
      first = first || tile;
      parts.push(`${grid.dataset.name}: shard ${shard} (${label(tile.dataset.state)})`);
    }
    msg.textContent = `Guild ${input.value.trim()} is on ${parts.join('; ')}.`;
    if (first) first.scrollIntoView({ block: 'nearest' });
    history.replaceState(null, '', `?guild=${input.value.trim()}`);
  });
}
