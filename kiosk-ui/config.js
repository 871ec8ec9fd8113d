// Screen timings, in seconds. The kiosk's launcher may override them in the page
// address (http://127.0.0.1:8080/?idle=90&prompt=20&confirm=30), which is also how
// the browser tests shorten them; the node serves / with any query string.

const defaults = {
  idle: 60,      // no touch for this long on any screen but the attract screen: ask "Still there?"
  prompt: 20,    // the "Still there?" countdown before starting over
  confirm: 20,   // the confirmation stays this long, then back to the attract screen
  notice: 30,    // a "your order is ready" notice stays this long
  retries: 3,    // automatic retries of a place-order that got no answer (same Idempotency-Key)
};

function read() {
  const out = { ...defaults };
  const params = new URLSearchParams(globalThis.location ? location.search : '');
  for (const key of Object.keys(defaults)) {
    const v = Number.parseFloat(params.get(key) || '');
    if (Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}

export const config = Object.freeze(read());
