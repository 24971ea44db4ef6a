// The live feed: Server-Sent Events from /api/v1/stream. The browser reconnects by itself after a
// dropped connection (the server asks for 2 s); when the stream fails for good (an HTTP error, the
// server gone for a while) this module retries with its own exponential back-off and jitter, and
// retries at once when the device comes back online.

/**
 * @param {string} url
 * @param {{snapshot: function(object), transition: function(object), status: function(string)}} on
 */
export function connect(url, on) {
  let source = null;
  let failures = 0;
  let timer = 0;

  function open() {
    clearTimeout(timer);
    if (source) source.close();
    source = new EventSource(url);
    source.addEventListener('snapshot', (e) => {
      failures = 0;
      on.status('live');
      on.snapshot(JSON.parse(e.data));
    });
    source.addEventListener('transition', (e) => on.transition(JSON.parse(e.data)));
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
