// The confirmation: the order number, and the node's own totals from its 201 answer.

import { h } from '../dom.js';
import { formatMoney } from '../money.js';
import { strings as t } from '../strings.js';

export function confirmView(s, a) {
  const o = s.lastOrder;
  const money = (m) => formatMoney(m, o.currency);
  return h('section', { class: 'view confirm', 'aria-labelledby': 'confirm-title' },
    h('div', { class: 'scroll', 'data-scroll': 'confirm' },
      h('div', { class: 'confirm-check', 'aria-hidden': 'true' }, '✓'),
      h('h1', { id: 'confirm-title', class: 'confirm-title', tabindex: '-1' }, t.confirmTitle),
      h('p', { class: 'confirm-number-label' }, t.confirmNumberLabel),
      h('p', { class: 'confirm-number', 'data-order-id': o.id }, o.number),
      h('p', { class: 'confirm-instructions' }, t.confirmInstructions),
      h('section', { class: 'confirm-summary', 'aria-label': t.confirmSummary },
        h('ul', { class: 'summary-lines' },
          o.lines.map((l) => h('li', {},
            h('span', { class: 'summary-qty' }, `${l.quantity}×`),
            h('span', { class: 'summary-name' }, l.name,
              l.options.length ? h('span', { class: 'line-options' }, l.options.map((x) => x.name).join(', ')) : null),
            h('span', { class: 'summary-price' }, money(l.line_total_minor))))),
        h('dl', { class: 'totals confirm-totals' },
          h('div', { class: 'totals-row' }, h('dt', {}, t.subtotal), h('dd', {}, money(o.subtotal_minor))),
          o.tax_inclusive ? null
            : h('div', { class: 'totals-row' }, h('dt', {}, t.tax), h('dd', { 'data-total': 'tax' }, money(o.tax_minor))),
          h('div', { class: 'totals-row total' }, h('dt', {}, t.total),
            h('dd', { 'data-total': 'total' }, money(o.total_minor))),
          o.tax_inclusive ? h('p', { class: 'tax-note' }, t.taxIncluded(money(o.tax_minor))) : null))),
    h('footer', { class: 'actions confirm-actions' },
      h('p', { class: 'confirm-countdown', id: 'confirm-countdown' }, t.confirmReturning(s.confirmLeft)),
      // Inert for a moment: the second tap of a double tap on "Place order" lands here.
      h('button', { type: 'button', class: 'primary confirm-done', 'data-focus': 'confirm-done',
                    'aria-disabled': s.confirmSettled ? null : 'true',
                    'aria-describedby': 'confirm-countdown', onclick: () => a.finish() }, t.confirmDone)));
}
