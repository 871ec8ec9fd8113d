// Pieces several screens share: the picture of an item, the quantity stepper,
// the brand mark.

import { h, localUrl } from '../dom.js';
import { strings as t } from '../strings.js';

// A menu picture, or a calm tile with the item's initial when it has none.
export function picture(url, name, cls) {
  const src = localUrl(url);
  if (src) return h('img', { class: `${cls} photo`, src, alt: '' });
  return h('div', { class: `${cls} placeholder`, 'aria-hidden': 'true' },
           h('span', {}, (name || '?').trim().charAt(0).toUpperCase()));
}

export function brandMark(tenant, cls) {
  if (!tenant) return null;
  const src = localUrl(tenant.logo_url);
  return h('span', { class: cls },
           src ? h('img', { class: 'logo', src, alt: '' }) : null,
           h('span', { class: 'brand-name' }, tenant.name));
}

// − n +; focus keys keep the focus on the same button across re-renders.
export function stepper({ value, min, max, name, onchange, disabled, focusKey }) {
  return h('div', { class: 'stepper', role: 'group', 'aria-label': t.quantityLabel },
    h('button', { type: 'button', class: 'step', 'aria-label': t.quantityDecrease(name),
                  disabled: disabled || value <= min, 'data-focus': `${focusKey}-dec`,
                  onclick: () => onchange(value - 1) }, '−'),
    h('output', { class: 'step-value', 'aria-live': 'polite' }, t.quantityValue(value)),
    h('button', { type: 'button', class: 'step', 'aria-label': t.quantityIncrease(name),
                  disabled: disabled || value >= max, 'data-focus': `${focusKey}-inc`,
                  onclick: () => onchange(value + 1) }, '+'));
}
