// The kiosk UI (kiosk-ui/) in Debian's Chromium against a real stack: larder-node
// serving the UI, larder-hub and PostgreSQL (run_browser_tests.sh starts them).
// The tests run in order on one stack; each sets the menu it needs first.
// Screenshots of each step: <build>/test-output/kiosk/*.png (portrait 1080x1920).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  findItem, findOption, hubOrderByNumber, hubOrderCount, importMenu, launchBrowser,
  menuItem, openKiosk, outboxDepth, setOrderStatus, shot, startHub, stopHub, waitFor, waitForNodeMenu,
} from './support.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

// Each test gets a fresh page; its console errors fail the test.
async function withKiosk(params, fn) {
  const { context, page } = await openKiosk(browser, params);
  try {
    await fn(page);
    assert.deepEqual(page.problems, [], 'the page logged errors');
  } finally {
    await context.close();
  }
}

// Puts the demo menu (with edit applied) on the node and waits until it is there.
async function useMenu(what, edit, pred) {
  await importMenu(edit);
  await waitForNodeMenu(what, pred);
}

const originalMenu = () => useMenu('the demo menu', null, (m) => {
  const burger = menuItem(m, 'Classic burger');
  const fries = menuItem(m, 'Fries');
  return burger && burger.price_minor === 890 && fries &&
         fries.modifiers[0].options.some((o) => o.name === 'Regular' && o.is_default);
});

const tapButton = (page, name) => page.getByRole('button', { name, exact: true }).tap();

async function start(page) {
  await page.locator('.attract-button').tap();
  await page.locator('.view.menu').waitFor();
}

async function openCategory(page, name) {
  await page.locator('nav.categories').getByRole('button', { name, exact: true }).tap();
  await page.locator('#category-title', { hasText: name }).waitFor();
}

async function openItem(page, name) {
  await page.locator('.item-card', { has: page.locator('.item-name', { hasText: name }) }).tap();
  await page.locator('.detail-name', { hasText: name }).waitFor();
}

async function option(page, name) {
  return page.locator('.option', { has: page.locator('.option-name', { hasText: name }) });
}

async function addBurger(page) {
  await openCategory(page, 'Burgers');
  await openItem(page, 'Classic burger');
  await page.locator('.add-button').tap();
  await page.locator('.view.menu').waitFor();
}

async function placeAndConfirm(page) {
  await page.locator('.place-order').tap();
  await page.locator('.confirm-number').waitFor({ timeout: 20000 });
  return {
    number: await page.locator('.confirm-number').innerText(),
    id: await page.locator('.confirm-number').getAttribute('data-order-id'),
    total: await page.locator('[data-total="total"]').innerText(),
  };
}

test('a full order by taps reaches PostgreSQL, and its ready notice shows', async () => {
  await originalMenu();
  await withKiosk('confirm=4', async (page) => {
    await page.locator('.attract-title', { hasText: 'Larder Burgers' }).waitFor();
    await shot(page, '01-attract');
    await start(page);
    await shot(page, '02-menu');

    await openCategory(page, 'Burgers');
    await openItem(page, 'Classic burger');
    await (await option(page, 'Cheese')).tap();
    await (await option(page, 'Bacon')).tap();
    await page.getByRole('button', { name: 'One more Classic burger' }).tap();
    await page.locator('.add-button', { hasText: '$21.20' }).waitFor();
    await shot(page, '03-item-detail');
    await page.locator('.add-button').tap();

    await openCategory(page, 'Drinks');
    await openItem(page, 'Lemonade');
    // The default (Regular) is pre-selected; Large is +$1.50.
    assert.equal(await (await option(page, 'Regular')).getAttribute('aria-checked'), 'true');
    await (await option(page, 'Large')).tap();
    await page.locator('.add-button', { hasText: '$4.50' }).waitFor();
    await page.locator('.add-button').tap();
    await page.locator('.cart-bar-button', { hasText: '$27.76' }).waitFor();
    await shot(page, '04-menu-with-cart');

    await page.locator('.cart-bar-button').tap();
    await page.locator('.view.cart').waitFor();
    // 2 x (8.90 + 0.50 + 1.20) + (3.00 + 1.50) = 25.70; tax 8% = 2.06.
    assert.match(await page.locator('.totals').innerText(), /25\.70[\s\S]*2\.06[\s\S]*27\.76/);
    await shot(page, '05-cart');

    const order = await placeAndConfirm(page);
    assert.match(order.number, /^K1-\d+$/);
    assert.equal(order.total, '$27.76');
    await shot(page, '06-confirmation');

    // Back to the attract screen by itself.
    await page.locator('.attract-button').waitFor({ timeout: 20000 });

    const rows = await waitFor(`order ${order.number} in PostgreSQL`, async () => {
      const r = await hubOrderByNumber(order.number);
      return r.length ? r : null;
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, order.id);
    assert.equal(rows[0].total, 2776);
    assert.equal(rows[0].tax, 206);

    // The kitchen marks it ready: the screen that took it says so.
    await setOrderStatus(order.id, 'ready');
    await page.locator('.notice', { hasText: order.number }).waitFor({ timeout: 30000 });
    await shot(page, '07-ready-notice');
  });
});

test('a required modifier group blocks adding until chosen', async () => {
  // Lemonade's Size (min 1, max 1) without a default.
  await useMenu('Size without a default', (m) => {
    findOption(m, 'Regular').is_default = false;
  }, (m) => !menuItem(m, 'Lemonade').modifiers[0].options.some((o) => o.is_default));
  await withKiosk('', async (page) => {
    await start(page);
    await openCategory(page, 'Drinks');
    await openItem(page, 'Lemonade');
    const add = page.locator('.add-button');
    assert.equal(await add.getAttribute('aria-disabled'), 'true');
    await add.tap({ force: true });  // aria-disabled: Playwright would wait; a finger does not
    await page.locator('.group-message').waitFor();
    assert.equal(await page.locator('.view.detail').count(), 1, 'still choosing');
    assert.equal(await page.locator('.cart-bar-button').count(), 0);
    await shot(page, '08-required-choice');

    await (await option(page, 'Regular')).tap();
    await page.locator('.add-button', { hasText: 'Add to order · $3.00' }).waitFor();
    assert.equal(await add.getAttribute('aria-disabled'), null);
    await add.tap();
    await page.locator('.cart-bar-button', { hasText: '$3.24' }).waitFor();
  });
});

test('a price change and an item gone show live, and the gone item blocks the order', async () => {
  await originalMenu();
  await withKiosk('', async (page) => {
    await start(page);
    await addBurger(page);
    await openCategory(page, 'Sides');
    await openItem(page, 'Fries');
    await page.locator('.add-button').tap();
    await openCategory(page, 'Burgers');
    const burgerPrice = page.locator('.item-card', { has: page.locator('.item-name', { hasText: 'Classic burger' }) })
      .locator('.item-price');
    assert.equal(await burgerPrice.innerText(), '$8.90');
    await page.evaluate(() => { window.__sameDocument = true; });

    await importMenu((m) => {
      findItem(m, 'Classic burger').price_minor = 990;
      findItem(m, 'Fries').available = false;
    });
    await waitFor('the new price on screen', async () => (await burgerPrice.innerText()) === '$9.90');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    await shot(page, '09-live-price');

    await page.locator('.cart-bar-button').tap();
    const fries = page.locator('.line', { hasText: 'Fries' });
    await fries.locator('.line-warning').waitFor();
    assert.ok(await page.locator('.place-order').isDisabled(), 'the gone item blocks the order');
    await shot(page, '10-cart-item-gone');

    await fries.getByRole('button', { name: 'Remove Fries from your order' }).tap();
    await page.locator('.line', { hasText: 'Fries' }).waitFor({ state: 'detached' });
    assert.ok(await page.locator('.place-order').isEnabled());
    // 9.90 + 8% (0.79) = 10.69, now from the node's own pricing.
    const order = await placeAndConfirm(page);
    assert.equal(order.total, '$10.69');
  });
});

test('a double tap on place order makes one order; a lost answer is retried with the same key', async () => {
  await originalMenu();
  await waitFor('an empty outbox', async () => (await outboxDepth()) === 0);
  const before = await hubOrderCount();

  await withKiosk('', async (page) => {
    // Two taps in a row on the same spot.
    await start(page);
    await addBurger(page);
    await page.locator('.cart-bar-button').tap();
    const box = await page.locator('.place-order').boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.touchscreen.tap(x, y);
    await page.touchscreen.tap(x, y);
    await page.locator('.confirm-number').waitFor({ timeout: 20000 });
    await shot(page, '11-double-tap-confirmation');
    await tapButton(page, 'Done');

    // The node stores the order but its answer is lost on the way back: the screen
    // retries by itself with the same Idempotency-Key and gets the same order.
    const keys = [];
    await page.route('**/api/v1/tenants/*/orders', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length === 1) {
        await route.fetch();  // reaches the node
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await start(page);
    await addBurger(page);
    await page.locator('.cart-bar-button').tap();
    const order = await placeAndConfirm(page);
    assert.equal(keys.length, 2, 'one retry');
    assert.equal(keys[0], keys[1], 'the retry reuses the Idempotency-Key');
    assert.match(keys[0], /^[0-9a-f-]{36}$/);
    assert.equal(order.total, '$9.61');
  });

  await waitFor('the orders pushed', async () => (await outboxDepth()) === 0);
  assert.equal(await hubOrderCount(), before + 2, 'exactly one order per checkout');
});

test('with the hub down the banner shows and an order still completes, then reaches PostgreSQL', async () => {
  await originalMenu();
  await withKiosk('', async (page) => {
    await start(page);
    assert.equal(await page.locator('#banner').isVisible(), false);
    await stopHub();
    let order;
    try {
      await page.locator('#banner').waitFor({ state: 'visible', timeout: 30000 });
      await addBurger(page);
      await page.locator('.cart-bar-button').tap();
      await shot(page, '12-offline-cart');
      order = await placeAndConfirm(page);
      await shot(page, '13-offline-confirmation');
      assert.equal((await hubOrderByNumber(order.number)).length, 0, 'not pushed while the hub is down');
    } finally {
      await startHub();
    }
    await tapButton(page, 'Done');
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 30000 });
    const rows = await waitFor(`order ${order.number} in PostgreSQL`, async () => {
      const r = await hubOrderByNumber(order.number);
      return r.length ? r : null;
    });
    assert.equal(rows[0].id, order.id);
    await shot(page, '14-back-online');
  });
});

test('idle asks "Still there?" with a countdown, then starts over', async () => {
  await withKiosk('idle=2&prompt=6', async (page) => {
    await start(page);
    await addBurger(page);
    const dialog = page.locator('dialog#idle');
    await dialog.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await dialog.innerText(), /Still there\?[\s\S]*start over in \d s/);
    await shot(page, '15-idle-prompt');
    await tapButton(page, "Yes, I'm here");
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('.cart-bar-count').innerText(), '1', 'the order is kept');

    await dialog.waitFor({ state: 'visible', timeout: 10000 });
    await page.locator('.attract-button').waitFor({ timeout: 20000 });
    await dialog.waitFor({ state: 'hidden' });
    await start(page);
    assert.equal(await page.locator('.cart-bar-button').count(), 0, 'a fresh order');
  });
});
