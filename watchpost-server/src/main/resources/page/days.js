// The 90 day bars read by hover, keyboard and touch. Each row's bars are one tab stop; the arrow
// keys move over the days and a details line under the bars (a polite live region, made when first
// needed) says what the day's <title> says. Runs of alike days are one <rect> on the page (see
// StatusView.bars), so a day's text is derived from its run's: same verdict, its own date.

const DAYS = 90;
const WEEK = 7; // PageUp / PageDown

/** The text of each of the 90 days, oldest first, read from the SVG's titles. */
function texts(svg) {
  const out = new Array(DAYS).fill('');
  for (const r of svg.querySelectorAll('rect[class^="d-"]')) {
    const x = Number(r.getAttribute('x'));
    const w = Number(r.getAttribute('width'));
    const title = r.querySelector('title')?.textContent || '';
    const run = /^(\d{4}-\d{2}-\d{2}) – \d{4}-\d{2}-\d{2}: (.*)$/.exec(title);
    for (let k = 0; k < w && x + k < DAYS; k++) {
      if (run) {
        const day = new Date(`${run[1]}T00:00:00Z`);
        day.setUTCDate(day.getUTCDate() + k);
        out[x + k] = `${day.toISOString().slice(0, 10)}: ${run[2]}`;
      } else {
        out[x + k] = title;
      }
    }
  }
  return out;
}

let made = 0;

function setup(svg) {
  let days = null;
  let at = DAYS - 1; // today first: the day people come to check
  let hovered = false;
  let line = null;
  let mark = null;

  function show(i) {
    days = days || texts(svg);
    at = Math.max(0, Math.min(DAYS - 1, i));
    if (!line) {
      line = document.createElement('p');
      line.className = 'day-info';
      line.id = `day-info-${++made}`;
      line.setAttribute('role', 'status');
      line.setAttribute('aria-live', 'polite');
      svg.after(line);
      svg.setAttribute('aria-describedby', line.id);
      mark = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      mark.setAttribute('class', 'day-at');
      mark.setAttribute('width', '1');
      mark.setAttribute('height', '10');
      mark.setAttribute('vector-effect', 'non-scaling-stroke');
      mark.setAttribute('pointer-events', 'none');
      svg.append(mark);
    }
    mark.setAttribute('x', String(at));
    line.textContent = days[at];
    line.hidden = false;
    mark.style.display = '';
  }

  function hide() {
    if (line && !hovered && document.activeElement !== svg) {
      line.hidden = true;
      mark.style.display = 'none';
    }
  }

  const dayAt = (e) => {
    const r = svg.getBoundingClientRect();
    return Math.floor(((e.clientX - r.left) / r.width) * DAYS);
  };

  // Hover is the mouse's: a finger's tap is a click (below), and must not leave a hover behind.
  svg.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'mouse') return;
    hovered = true;
    show(dayAt(e));
  });
  svg.addEventListener('pointerleave', (e) => {
    if (e.pointerType !== 'mouse') return;
    hovered = false;
    if (document.activeElement === svg) show(at);
    else hide();
  });
  // A tap (or click) picks the day and keeps it shown until focus moves on.
  svg.addEventListener('click', (e) => {
    svg.focus({ preventScroll: true });
    show(dayAt(e));
  });
  svg.addEventListener('focus', () => show(at));
  svg.addEventListener('blur', hide);
  svg.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowUp: at + 1, ArrowDown: at - 1,
      PageUp: at - WEEK, PageDown: at + WEEK, Home: 0, End: DAYS - 1 }[e.key];
    if (to === undefined) {
      if (e.key === 'Escape') { hovered = false; svg.blur(); }
      return;
    }
    e.preventDefault();
    show(to);
  });
}

/** Makes every {@code svg.bars} on the page one tab stop with a details line. */
export function setupDays(root) {
  for (const svg of root.querySelectorAll('svg.bars')) {
    svg.setAttribute('tabindex', '0');
    setup(svg);
  }
}
