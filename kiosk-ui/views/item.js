// Item detail: the picture, the modifier groups (required ones enforced, min and
// max, price deltas shown, defaults pre-selected), the quantity and the add button.

import { h } from '../dom.js';
import { formatMoney } from '../money.js';
import { strings as t } from '../strings.js';
import { MAX_QUANTITY } from '../cart.js';
import { firstIncomplete, groupState, unitPrice } from '../choices.js';
import { picture, stepper } from './parts.js';

function groupHint(state) {
  const { min, max } = state;
  if (min === 0) return max === 1 ? t.groupOptionalUpTo(1) : t.groupOptionalUpTo(max);
  if (min === max) return min === 1 ? t.groupRequiredOne : t.groupRequiredExactly(min);
  if (max >= 99) return t.groupRequiredAtLeast(min);
  return t.groupRequiredRange(min, max);
}

function deltaText(delta, currency) {
  if (delta === 0) return '';
  if (delta < 0) return t.optionDeltaMinus(formatMoney(-delta, currency));
  return t.optionDelta(formatMoney(delta, currency));
}

export function itemView(s, a) {
  const d = s.detail;
  const entry = s.index.get(d.itemId);
  const currency = s.menu.currency;
  if (!entry) {
    return h('section', { class: 'view detail', 'aria-labelledby': 'detail-title' },
      h('div', { class: 'scroll', 'data-scroll': 'detail-gone' },
        h('h1', { id: 'detail-title', class: 'screen-title', tabindex: '-1' }, t.itemGone)),
      h('footer', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', 'data-focus': 'detail-back',
                      onclick: () => a.closeItem() }, t.back)));
  }
  const item = entry.item;
  const blocking = firstIncomplete(item, d.selections);
  const unit = unitPrice(item, d.selections);
  const total = unit * BigInt(d.quantity);
  return h('section', { class: 'view detail', 'aria-labelledby': 'detail-title' },
    h('div', { class: 'scroll', 'data-scroll': `detail-${item.id}` },
      picture(item.image_url, item.name, 'detail-picture'),
      h('div', { class: 'detail-head' },
        h('h1', { id: 'detail-title', class: 'detail-name', tabindex: '-1' }, item.name),
        h('p', { class: 'detail-price' }, formatMoney(item.price_minor, currency))),
      item.description ? h('p', { class: 'detail-description' }, item.description) : null,
      (item.modifiers || []).map((group) => groupView(group, s, a, currency)),
      h('div', { class: 'quantity-row' },
        h('span', { class: 'quantity-label', id: 'quantity-label' }, t.quantityLabel),
        stepper({ value: d.quantity, min: 1, max: MAX_QUANTITY, name: item.name, focusKey: 'detail-qty',
                  onchange: (n) => a.setDetailQuantity(n) }))),
    h('footer', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-focus': 'detail-back',
                    'aria-label': t.itemCloseLabel(item.name), onclick: () => a.closeItem() }, t.back),
      h('button', { type: 'button', class: 'primary add-button', 'data-focus': 'detail-add',
                    'aria-disabled': blocking ? 'true' : null,
                    onclick: () => a.addDetail() },
        blocking ? t.groupNeedsChoice(blocking.name)
                 : (d.lineKey ? t.updateOrder : t.addToOrder)(formatMoney(total, currency)))));
}

function groupView(group, s, a, currency) {
  const d = s.detail;
  const state = groupState(group, d.selections);
  const chosen = new Set(d.selections[group.id] || []);
  const single = state.max === 1;
  const showError = d.attempted && !state.ok;
  const flash = d.maxFlash === group.id;
  const hintId = `hint-${group.id}`;
  return h('fieldset', { class: `group${showError ? ' group-error' : ''}`, 'data-group': group.id,
                         'aria-describedby': hintId },
    h('legend', { class: 'group-legend' },
      h('span', { class: 'group-name' }, group.name),
      state.min > 0
        ? h('span', { class: `badge ${state.ok ? 'badge-done' : 'badge-required'}` },
            state.ok ? t.groupDoneBadge : t.groupRequiredBadge)
        : null),
    h('p', { class: `group-hint${flash ? ' flash' : ''}`, id: hintId },
      flash ? t.groupMaxReached(state.max) : groupHint(state)),
    h('div', { class: 'options', role: single ? 'radiogroup' : 'group', 'aria-label': group.name },
      group.options.map((o) => {
        const on = chosen.has(o.id);
        const blocked = !on && !single && state.full;
        return h('button', {
          type: 'button', class: `option${on ? ' on' : ''}${blocked ? ' muted' : ''}`,
          role: single ? 'radio' : 'checkbox', 'aria-checked': on ? 'true' : 'false',
          'data-option': o.id, 'data-focus': `opt-${o.id}`,
          onclick: () => a.toggleOption(group.id, o.id) },
          h('span', { class: 'option-check', 'aria-hidden': 'true' }, on && !single ? '✓' : ''),
          h('span', { class: 'option-name' }, o.name),
          o.price_delta_minor ? h('span', { class: 'option-delta' }, deltaText(o.price_delta_minor, currency)) : null);
      })),
    showError ? h('p', { class: 'group-message', role: 'alert' },
                  state.min === 1 ? t.groupNeedsChoice(group.name) : t.groupNeedsMore(group.name, state.min))
              : null);
}
