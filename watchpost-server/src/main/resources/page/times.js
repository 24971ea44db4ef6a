// Times for people, written as the server writes them (web.Times): "2026-06-01 21:00:00 JST", in
// the zone the page names (status-page.time-zone, <body data-zone>). Browsers know few short zone
// names, and not the same ones, so the page lists the names its zone uses by offset in minutes
// (data-zone-names="60=CET 120=CEST"); an offset it does not list reads GMT+hh:mm, as on the server.

const data = document.body.dataset;
const zone = data.zone || 'UTC';
const names = new Map((data.zoneNames || '0=UTC').split(' ').filter(Boolean).map((p) => {
  const i = p.indexOf('=');
  return [Number(p.slice(0, i)), p.slice(i + 1)];
}));
let clock;
try {
  clock = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
} catch {
  clock = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function gmt(minutes) {
  if (minutes === 0) return 'GMT';
  const m = Math.abs(minutes);
  const two = (n) => String(n).padStart(2, '0');
  return `GMT${minutes < 0 ? '-' : '+'}${two(Math.floor(m / 60))}:${two(m % 60)}`;
}

/** An ISO-8601 time as people read it on this page; without seconds when {@code seconds} is false. */
export function timeText(iso, seconds = true) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = {};
  for (const part of clock.formatToParts(at)) p[part.type] = part.value;
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute),
    Number(p.second));
  const offset = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  const name = names.get(offset) ?? gmt(offset);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''} ${name}`;
}
