// The live feed: Server-Sent Events from /api/v1/stream. The browser reconnects by itself after a
// dropped connection (the server asks for 2 s); when the stream fails for good (an HTTP error, the
// server gone for a while) this module retries with its own exponential back-off and jitter, and
// retries at once when the device comes back online. Every event has an id: the browser's own
// reconnects resume from the last one it saw (Last-Event-ID), and so do this module's (?last=), so
// only what was missed is sent again ("resumed"), not the whole snapshot.

/**
 * @param {string} url
 * @param {string} since the feed position the page's snapshot includes ('' for none)
 * @param {{snapshot: function(object), transition: function(object), status: function(string)}} on
 */
export function connect(url, since, on) {
  let source = null;
  let failures = 0;
  let timer = 0;
  let last = '';

  function withParam(name, value) {
    return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
  }

  function open() {
    clearTimeout(timer);
    if (source) source.close();
    source = new EventSource(last ? withParam('last', last) : since ? withParam('since', since) : url);
    source.addEventListener('snapshot', (e) => {
      failures = 0;
      last = e.lastEventId || last;
      on.status('live');
      on.snapshot(JSON.parse(e.data));
    });
    source.addEventListener('resumed', (e) => {
      failures = 0;
      last = e.lastEventId || last;
      on.status('live');
    });
    source.addEventListener('transition', (e) => {
      last = e.lastEventId || last;
      on.transition(JSON.parse(e.data));
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) {
        on.status('reconnecting');
        return;
      }
      source.close();
      failures += 1;
      const delay = Math.min(60_000, 1_000 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2);
      on.status('offline');
      timer = setTimeout(open, delay);
    });
  }

  window.addEventListener('online', () => {
    if (!source || source.readyState === EventSource.CLOSED) open();
  });
  window.addEventListener('offline', () => on.status('offline'));
  open();
}
