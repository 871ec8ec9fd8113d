// The cart: lines with quantities, edit and remove; a preview of the totals (the
// node prices the order; the confirmation shows its numbers); place order.

import { h } from '../dom.js';
import { formatMoney } from '../money.js';
import { strings as t } from '../strings.js';
import { MAX_QUANTITY } from '../cart.js';
import { stepper } from './parts.js';

export function cartView(s, a) {
  const p = s.preview;
  const money = (m) => formatMoney(m, s.menu.currency);
  const busy = s.checkout.inFlight;
  const empty = s.cart.lines.length === 0;
  return h('section', { class: 'view cart', 'aria-labelledby': 'cart-title', 'aria-busy': busy ? 'true' : null },
    h('div', { class: 'scroll', 'data-scroll': 'cart' },
      h('h1', { id: 'cart-title', class: 'screen-title', tabindex: '-1' }, t.cartTitle),
      empty ? h('p', { class: 'empty' }, t.cartEmpty) : null,
      h('ul', { class: 'lines' },
        p.lines.map(({ line, available, name, options, lineMinor }) =>
          h('li', { class: `line${available ? '' : ' unavailable'}`, 'data-line': line.key, 'data-item': line.itemId },
            h('div', { class: 'line-main' },
              h('span', { class: 'line-name' }, name),
              options.length ? h('span', { class: 'line-options' }, options.join(', ')) : null,
              available ? null : h('span', { class: 'line-warning' }, t.cartUnavailable)),
            h('span', { class: 'line-price' }, available ? money(lineMinor) : ''),
            h('div', { class: 'line-controls' },
              available
                ? stepper({ value: line.quantity, min: 1, max: MAX_QUANTITY, name, disabled: busy,
                            focusKey: `line-${line.key}`, onchange: (n) => a.setLineQuantity(line.key, n) })
                : null,
              available
                ? h('button', { type: 'button', class: 'secondary small', disabled: busy,
                                'data-focus': `edit-${line.key}`, 'aria-label': t.cartEditLabel(name),
                                onclick: () => a.editLine(line.key) }, t.cartEdit)
                : null,
              h('button', { type: 'button', class: `${available ? 'secondary' : 'danger'} small remove`,
                            disabled: busy, 'data-focus': `remove-${line.key}`,
                            'aria-label': t.cartRemoveLabel(name), onclick: () => a.removeLine(line.key) },
                t.cartRemove))))),
      empty ? null : h('button', { type: 'button', class: 'secondary wide', disabled: busy,
                                   'data-focus': 'keep-ordering', onclick: () => a.closeCart() },
                       t.cartKeepOrdering)),
    h('footer', { class: 'cart-footer' },
      empty ? null : totals(p, money),
      p.blocked ? h('p', { class: 'blocked', role: 'alert' }, t.cartUnavailableBlock) : null,
      s.checkout.error ? h('p', { class: 'order-error', role: 'alert' }, s.checkout.error) : null,
      busy && s.checkout.retrying ? h('p', { class: 'order-progress', role: 'status' }, t.errorRetrying) : null,
      h('div', { class: 'actions' },
        empty
          ? h('button', { type: 'button', class: 'primary', 'data-focus': 'keep-ordering',
                          onclick: () => a.closeCart() }, t.cartKeepOrdering)
          : h('button', { type: 'button', class: 'primary place-order', 'data-focus': 'place-order',
                          disabled: busy || p.blocked,
                          onclick: () => a.placeOrder() },
              busy ? t.placingOrder
                   : (s.checkout.error ? t.errorTryAgain : t.placeOrder(money(p.total)))))));
}

function totals(p, money) {
  return h('dl', { class: 'totals', 'aria-live': 'polite', 'aria-atomic': 'true' },
    h('div', { class: 'totals-row' }, h('dt', {}, t.subtotal), h('dd', {}, money(p.subtotal))),
    p.inclusive
      ? null
      : h('div', { class: 'totals-row' }, h('dt', {}, t.taxEstimate), h('dd', {}, money(p.tax))),
    h('div', { class: 'totals-row total' }, h('dt', {}, t.total), h('dd', {}, money(p.total))),
    p.inclusive ? h('p', { class: 'tax-note' }, t.taxIncludedEstimate(money(p.tax))) : null);
}
