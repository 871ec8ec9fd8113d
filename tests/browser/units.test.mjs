// The kiosk UI's pure modules (no browser, no stack): money formatting from minor
// units, the cart preview (BigInt, tax as node/pricing/tax.cc computes it), modifier
// choices (defaults, min, max) and node errors in a diner's words.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMoney, minorToDecimal } from '../../kiosk-ui/money.js';
import { Cart, indexMenu, previewCart, previewTax } from '../../kiosk-ui/cart.js';
import { chosenIds, firstIncomplete, initialSelections, reconcile, toggle, unitPrice } from '../../kiosk-ui/choices.js';
import { friendlyOrderError } from '../../kiosk-ui/order_errors.js';

test('money: exact decimals from integer minor units, in the currency', () => {
  assert.equal(minorToDecimal(1234, 2), '12.34');
  assert.equal(minorToDecimal(5, 2), '0.05');
  assert.equal(minorToDecimal(-5, 2), '-0.05');
  assert.equal(minorToDecimal(7, 0), '7');
  assert.equal(minorToDecimal(1001, 3), '1.001');
  // Beyond 2^53 an amount still formats exactly (never through a float).
  assert.equal(minorToDecimal(12345678901234567n, 2), '123456789012345.67');
  assert.equal(formatMoney(2776, 'USD'), '$27.76');
  assert.equal(formatMoney(0, 'USD'), '$0.00');
  assert.equal(formatMoney(1500, 'JPY'), '¥1,500');
  assert.equal(formatMoney(1001, 'KWD').replace(/\s/g, ' '), 'KWD 1.001');
  assert.equal(formatMoney(123456789n, 'EUR'), '€1,234,567.89');
});

test('tax preview: exclusive rounds half up, inclusive backs the net out', () => {
  assert.deepEqual(previewTax(2570n, 800, false), { subtotal: 2570n, tax: 206n, total: 2776n });
  assert.deepEqual(previewTax(890n, 800, false), { subtotal: 890n, tax: 71n, total: 961n });
  assert.deepEqual(previewTax(1000n, 2000, true), { subtotal: 1000n, tax: 167n, total: 1000n });
  assert.deepEqual(previewTax(0n, 800, false), { subtotal: 0n, tax: 0n, total: 0n });
});

const menu = {
  currency: 'USD',
  tax: { rate_bp: 800, inclusive: false },
  categories: [{ id: 'c', name: 'Burgers', items: [
    { id: 'burger', name: 'Burger', price_minor: 890, modifiers: [
      { id: 'extras', name: 'Extras', selection: 'multi', min_choices: 0, max_choices: 2, options: [
        { id: 'cheese', name: 'Cheese', price_delta_minor: 50, is_default: false },
        { id: 'bacon', name: 'Bacon', price_delta_minor: 120, is_default: false },
        { id: 'onion', name: 'Onion', price_delta_minor: 0, is_default: false }] }] },
    { id: 'fries', name: 'Fries', price_minor: 350, modifiers: [
      { id: 'size', name: 'Size', selection: 'single', min_choices: 1, max_choices: 1, options: [
        { id: 'regular', name: 'Regular', price_delta_minor: 0, is_default: true },
        { id: 'large', name: 'Large', price_delta_minor: 150, is_default: false }] }] }] }],
};

test('cart: merges equal lines, previews from the menu now, flags what left it', () => {
  const index = indexMenu(menu);
  const cart = new Cart();
  const burger = index.get('burger').item;
  cart.add(burger, ['cheese', 'bacon'], 2);
  cart.add(index.get('fries').item, ['large'], 1);
  cart.add(burger, ['cheese', 'bacon'], 1);
  assert.equal(cart.lines.length, 2);
  assert.equal(cart.count, 4);
  let p = previewCart(menu, index, cart);
  assert.equal(p.subtotal, 3n * 1060n + 500n);
  assert.equal(p.blocked, false);
  assert.deepEqual(cart.orderBody(), { lines: [
    { item_id: 'burger', quantity: 3, option_ids: ['cheese', 'bacon'] },
    { item_id: 'fries', quantity: 1, option_ids: ['large'] }] });

  // Fries leave the menu, the burger costs more: the preview follows, the order is blocked.
  const changed = structuredClone(menu);
  changed.categories[0].items.pop();
  changed.categories[0].items[0].price_minor = 990;
  p = previewCart(changed, indexMenu(changed), cart);
  assert.equal(p.blocked, true);
  assert.equal(p.lines[1].available, false);
  assert.equal(p.lines[1].name, 'Fries');
  assert.equal(p.subtotal, 3n * 1160n);
  const v = cart.version;
  cart.remove(cart.lines[1].key);
  assert.ok(cart.version > v, 'a change makes a new checkout key');
  assert.equal(previewCart(changed, indexMenu(changed), cart).blocked, false);
});

test('choices: defaults pre-selected, single replaces, multi stops at max, required blocks', () => {
  const index = indexMenu(menu);
  const fries = index.get('fries').item;
  let sel = initialSelections(fries);
  assert.deepEqual(sel, { size: ['regular'] });
  assert.equal(firstIncomplete(fries, sel), null);
  sel = toggle(fries, sel, 'size', 'large').selections;
  assert.deepEqual(sel, { size: ['large'] });
  // A required single choice cannot be emptied by tapping it again.
  assert.deepEqual(toggle(fries, sel, 'size', 'large').selections, { size: ['large'] });
  assert.equal(unitPrice(fries, sel), 500n);

  const noDefault = structuredClone(fries);
  noDefault.modifiers[0].options[0].is_default = false;
  assert.equal(firstIncomplete(noDefault, initialSelections(noDefault)).id, 'size');

  const burger = index.get('burger').item;
  let b = initialSelections(burger);
  b = toggle(burger, b, 'extras', 'bacon').selections;
  b = toggle(burger, b, 'extras', 'cheese').selections;
  const full = toggle(burger, b, 'extras', 'onion');
  assert.equal(full.maxReached, true);
  assert.deepEqual(full.selections, b);
  assert.deepEqual(chosenIds(burger, b), ['cheese', 'bacon'], 'menu order');
  b = toggle(burger, b, 'extras', 'bacon').selections;
  assert.deepEqual(b, { extras: ['cheese'] });

  const shrunk = structuredClone(burger);
  shrunk.modifiers[0].options.shift();
  assert.deepEqual(reconcile(shrunk, b), { extras: [] });
});

test('order errors: node answers in words a diner understands', () => {
  const cart = new Cart();
  const index = indexMenu(menu);
  cart.add(index.get('burger').item, [], 1);
  cart.add(index.get('fries').item, ['regular'], 1);
  const e422 = (details) => ({ ok: false, kind: 'http', status: 422, code: 'invalid_order', details });
  assert.equal(friendlyOrderError(e422([{ path: 'lines[1].item_id', message: '"Fries" is not available right now' }]), cart),
               'Fries is no longer available.');
  assert.match(friendlyOrderError(e422([{ path: 'lines[0].option_ids[0]', message: 'no option with id "x" on this menu' }]), cart),
               /choice you made for Burger/);
  assert.equal(friendlyOrderError({ ok: false, kind: 'http', status: 503, code: 'unavailable', details: [] }, cart),
               "We're catching up, please try again in a moment.");
  assert.match(friendlyOrderError({ ok: false, kind: 'network', status: 0, details: [] }, cart), /not lost/);
  assert.match(friendlyOrderError({ ok: false, kind: 'http', status: 500, details: [] }, cart), /went wrong/);
});

test('order errors: a closed restaurant says when it opens, in its own timezone', () => {
  const closed = (opensAt) => ({ ok: false, kind: 'http', status: 422, code: 'location_closed', opensAt, details: [] });
  // 2026-12-07 is a Monday; 10:00 UTC is 11:00 in Berlin.
  assert.equal(friendlyOrderError(closed('2026-12-07T10:00:00Z'), new Cart(), 'Europe/Berlin'),
               'Sorry, we are closed right now. We open again Monday 11:00 AM.');
  assert.equal(friendlyOrderError(closed(null), new Cart(), 'Europe/Berlin'), 'Sorry, we are closed right now.');
  // A zone the browser does not know: no time rather than a wrong one.
  assert.equal(friendlyOrderError(closed('2026-12-07T10:00:00Z'), new Cart(), 'Not/AZone'),
               'Sorry, we are closed right now.');
});
