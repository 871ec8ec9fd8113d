// The node's answers to a place-order, in words a diner understands.
// 422 details name a path such as "lines[1].option_ids"; the line tells whose words to use.
// 422 location_closed says when the restaurant opens again, in its own timezone
// (the menu's location.timezone) when the caller passes it.

import { locale, strings as t } from './strings.js';

// "Monday 11:00 AM" in the restaurant's zone; null when it cannot be said.
function openingTime(iso, timeZone) {
  const at = iso ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime())) return null;
  try {
    return new Intl.DateTimeFormat(locale, { weekday: 'long', hour: 'numeric', minute: '2-digit',
                                             timeZone: timeZone || undefined }).format(at);
  } catch {
    return null;  // a zone this browser does not know
  }
}

export function friendlyOrderError(res, cart, timeZone) {
  if (res.kind === 'network') return t.errorNetwork;
  if (res.status === 503) return res.code === 'not_ready' ? t.errorNotReady : t.errorCatchingUp;
  if (res.status === 409) return t.errorOrderChanged;
  if (res.status !== 422) return t.errorGeneric;
  if (res.code === 'location_closed') return t.errorClosed(openingTime(res.opensAt, timeZone));
  const out = [];
  for (const d of res.details) {
    const m = /^lines\[(\d+)\](?:\.(item_id|option_ids|quantity))?/.exec(d.path || '');
    const line = m ? cart.lines[Number(m[1])] : null;
    const name = line ? line.name : '';
    let text = t.errorOrderChanged;
    if (line && m[2] === 'item_id') text = t.errorItemGone(name);
    else if (line && m[2] === 'option_ids') {
      text = /available|no option|not an option/.test(d.message || '') ? t.errorOptionGone(name) : t.errorChoices(name);
    } else if (line && m[2] === 'quantity') text = t.errorQuantity(name);
    else if (d.path === 'lines' && /exceed|limit/.test(d.message || '')) text = t.errorTooMuch;
    if (!out.includes(text)) out.push(text);
  }
  return out.length ? out.join(' ') : t.errorOrderChanged;
}
