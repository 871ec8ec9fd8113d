// The node's local API (node/api/openapi.json), same origin. Every call answers
// {ok:true, ...} or {ok:false, kind, status, code, details, retryAfter, opensAt}
// (opensAt: a 422 location_closed's next opening, an ISO string or null): kind is
// 'network' when no answer arrived (the request may or may not have reached the
// node), 'http' when the node answered with an error. Nothing here throws.

const JSON_HEADERS = { Accept: 'application/json' };

async function readError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = (body && body.error) || {};
  const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  return {
    ok: false,
    kind: 'http',
    status: res.status,
    code: err.code || '',
    message: err.message || '',
    details: Array.isArray(err.details) ? err.details : [],
    retryAfter: Number.isFinite(retry) ? retry : null,
    opensAt: typeof err.opens_at === 'string' ? err.opens_at : null,
  };
}

function networkError(e) {
  return { ok: false, kind: 'network', status: 0, code: 'network', message: String(e), details: [] };
}

export async function getTenants() {
  try {
    const res = await fetch('/api/v1/tenants', { headers: JSON_HEADERS, cache: 'no-store' });
    if (!res.ok) return readError(res);
    const body = await res.json();
    return { ok: true, tenants: body.tenants || [] };
  } catch (e) {
    return networkError(e);
  }
}

// With etag, a 304 answers {ok:true, notModified:true}.
export async function getMenu(tenantId, etag) {
  const headers = { ...JSON_HEADERS };
  if (etag) headers['If-None-Match'] = etag;
  try {
    const res = await fetch(`/api/v1/tenants/${encodeURIComponent(tenantId)}/menu`,
                            { headers, cache: 'no-store' });
    if (res.status === 304) return { ok: true, notModified: true, etag };
    if (!res.ok) return readError(res);
    return { ok: true, menu: await res.json(), etag: res.headers.get('ETag') };
  } catch (e) {
    return networkError(e);
  }
}

// The same idempotencyKey and body always name the same order: a retry after a
// lost answer returns the order stored the first time (201, Idempotent-Replayed).
export async function placeOrder(tenantId, body, idempotencyKey) {
  try {
    const res = await fetch(`/api/v1/tenants/${encodeURIComponent(tenantId)}/orders`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    if (res.status !== 201) return readError(res);
    return { ok: true, order: await res.json(), replayed: res.headers.get('Idempotent-Replayed') === 'true' };
  } catch (e) {
    return networkError(e);
  }
}

// A random UUIDv4 from getRandomValues, which (unlike crypto.randomUUID) also works
// when the screen loads the node by a LAN name over plain HTTP.
export function newIdempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
