// The kiosk app: one state object, actions that change it, and render() that
// redraws the screen from it. Screens: attract -> (brands) -> menu <-> item, cart ->
// confirm -> attract. The node is the only server (same origin).

import * as api from './api.js';
import { Cart, indexMenu, previewCart } from './cart.js';
import { chosenIds, firstIncomplete, initialSelections, reconcile, selectionsFromLine, toggle } from './choices.js';
import { config } from './config.js';
import { h } from './dom.js';
import { IdleWatcher } from './idle.js';
import { connectLive } from './live.js';
import { friendlyOrderError } from './order_errors.js';
import { locale, strings as t } from './strings.js';
import { applyTheme } from './theme.js';
import { brandMark } from './views/parts.js';
import { attractView } from './views/attract.js';
import { brandsView } from './views/brands.js';
import { menuView } from './views/menu.js';
import { itemView } from './views/item.js';
import { cartView } from './views/cart.js';
import { confirmView } from './views/confirm.js';

const views = { attract: attractView, brands: brandsView, menu: menuView, item: itemView,
                cart: cartView, confirm: confirmView };

const state = {
  screen: 'attract',
  tenants: [],
  tenantsLoaded: false,
  tenantId: null,
  menu: null,
  etag: null,
  index: new Map(),
  categoryId: null,
  detail: null,       // {itemId, lineKey, selections, quantity, attempted, maxFlash}
  cart: new Cart(),
  preview: null,
  checkout: freshCheckout(),
  lastOrder: null,
  confirmLeft: 0,
  confirmSettled: false,  // the Done button ignores taps for its first moment
  notices: [],        // {id, text}
};

function freshCheckout() {
  // key: the Idempotency-Key of this checkout attempt, made on the first tap and
  // reused by every retry while the cart (version) is unchanged.
  return { key: null, version: -1, inFlight: false, retrying: false, error: null };
}

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- rendering

function currentTenant() {
  return state.tenants.find((x) => x.id === state.tenantId) || null;
}

function render({ focusTitle = false } = {}) {
  state.preview = previewCart(state.menu, state.index, state.cart);
  const view = $('view');
  const scrolls = new Map([...view.querySelectorAll('[data-scroll]')].map((el) => [el.dataset.scroll, el.scrollTop]));
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.focus : null;

  document.body.dataset.screen = state.screen;
  renderTopBar();
  renderBanner();
  const screen = views[state.screen] || attractView;
  view.replaceChildren(screen(state, actions));

  for (const el of view.querySelectorAll('[data-scroll]')) {
    if (scrolls.has(el.dataset.scroll)) el.scrollTop = scrolls.get(el.dataset.scroll);
  }
  if (focusTitle) {
    const title = view.querySelector('h1[tabindex="-1"]') || view.querySelector('button');
    if (title) title.focus({ preventScroll: true });
  } else if (focused) {
    const el = view.querySelector(`[data-focus="${CSS.escape(focused)}"]`);
    if (el) el.focus({ preventScroll: true });
  }
}

function go(screen) {
  state.screen = screen;
  render({ focusTitle: true });
  if (screen === 'attract' || screen === 'confirm') idle.disarm();
  else idle.arm();
}

function renderTopBar() {
  const bar = $('topbar');
  const show = ['menu', 'item', 'cart'].includes(state.screen);
  bar.hidden = !show;
  if (!show) return;
  bar.replaceChildren(
    brandMark(currentTenant(), 'brand'),
    h('button', { type: 'button', class: 'ghost start-over', 'data-focus': 'start-over',
                  'aria-label': t.startOverLabel, onclick: () => actions.startOver() }, t.startOver));
}

function renderBanner() {
  const tenant = currentTenant();
  const offline = tenant ? !tenant.online
                         : state.tenants.length > 0 && state.tenants.some((x) => !x.online);
  const banner = $('banner');
  if (banner.hidden !== !offline) banner.hidden = !offline;
}

function announce(text) {
  const el = $('announce');
  el.textContent = '';
  // A fresh text node so the same words twice are spoken twice.
  setTimeout(() => { el.textContent = text; }, 50);
}

function renderNotices() {
  const box = $('notices');
  box.replaceChildren(...state.notices.map((n) =>
    h('div', { class: 'notice', 'data-notice': n.id },
      h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, '✓'),
      h('span', { class: 'notice-text' }, n.text),
      h('button', { type: 'button', class: 'ghost notice-dismiss', onclick: () => dismissNotice(n.id) },
        t.noticeDismiss))));
}

function dismissNotice(id) {
  state.notices = state.notices.filter((n) => n.id !== id);
  renderNotices();
}

// ---------------------------------------------------------------- data

async function loadTenants() {
  const res = await api.getTenants();
  if (!res.ok) return false;
  state.tenants = res.tenants;
  state.tenantsLoaded = true;
  if (state.tenants.length === 1) state.tenantId = state.tenants[0].id;
  if (state.tenantId && !currentTenant()) state.tenantId = null;
  applyTheme(currentTenant());
  return true;
}

let menuLoading = null;
let menuAgain = false;
let menuRetry = null;
let validUntilTimer = null;

// Coalesced: a refresh asked for while one runs runs once more after it.
function refreshMenu() {
  if (menuLoading) {
    menuAgain = true;
    return menuLoading;
  }
  menuLoading = (async () => {
    do {
      menuAgain = false;
      await fetchMenuOnce();
    } while (menuAgain);
    menuLoading = null;
  })();
  return menuLoading;
}

async function fetchMenuOnce() {
  const tenantId = state.tenantId;
  if (!tenantId) return;
  clearTimeout(menuRetry);
  const res = await api.getMenu(tenantId, state.menu ? state.etag : null);
  if (tenantId !== state.tenantId) return;
  if (!res.ok) {
    // not_ready (still syncing), busy storage or the node restarting: try again soon.
    menuRetry = setTimeout(refreshMenu, 2000);
    return;
  }
  if (res.notModified) return;
  state.menu = res.menu;
  state.etag = res.etag;
  state.index = indexMenu(res.menu);
  const cats = res.menu.categories || [];
  if (!cats.some((c) => c.id === state.categoryId)) state.categoryId = cats.length ? cats[0].id : null;
  if (state.detail) {
    const entry = state.index.get(state.detail.itemId);
    if (entry) state.detail.selections = reconcile(entry.item, state.detail.selections);
  }
  clearTimeout(validUntilTimer);
  if (res.menu.valid_until) {
    const ms = Date.parse(res.menu.valid_until) - Date.now();
    if (Number.isFinite(ms)) validUntilTimer = setTimeout(refreshMenu, Math.max(1000, ms + 1000));
  }
  render();
}

async function resyncAll() {
  if (await loadTenants()) render();
  await refreshMenu();
}

// ---------------------------------------------------------------- orders placed here

const ORDERS_KEY = 'larder.kiosk.orders';
const ORDERS_KEEP_MS = 4 * 3600 * 1000;

function myOrders() {
  try {
    const all = JSON.parse(localStorage.getItem(ORDERS_KEY) || '{}');
    const now = Date.now();
    for (const [id, o] of Object.entries(all)) if (!o || now - o.at > ORDERS_KEEP_MS) delete all[id];
    return all;
  } catch {
    return {};
  }
}

function rememberOrder(order) {
  const all = myOrders();
  all[order.id] = { number: order.number, at: Date.now(), notified: false };
  try {
    localStorage.setItem(ORDERS_KEY, JSON.stringify(all));
  } catch {
    // Storage full or disabled: no ready notice for this one; ordering is unaffected.
  }
}

function onOrderEvent(data) {
  if (data.status !== 'ready') return;
  const all = myOrders();
  const mine = all[data.id];
  if (!mine || mine.notified) return;
  mine.notified = true;
  try {
    localStorage.setItem(ORDERS_KEY, JSON.stringify(all));
  } catch {
    // Worst case the notice could show twice.
  }
  const id = data.id;
  state.notices.push({ id, text: t.noticeReady(data.number || mine.number) });
  renderNotices();
  setTimeout(() => dismissNotice(id), config.notice * 1000);
}

// ---------------------------------------------------------------- actions

let confirmTimer = null;
const CONFIRM_SETTLE_MS = 1200;

const actions = {
  async start() {
    if (state.tenants.length > 1 && !state.tenantId) {
      go('brands');
      return;
    }
    if (!state.menu) await refreshMenu();
    if (!state.menu) return;
    state.categoryId = (state.menu.categories[0] || {}).id || null;
    go('menu');
  },

  async selectTenant(id) {
    if (state.tenantId !== id) {
      state.tenantId = id;
      state.menu = null;
      state.etag = null;
      state.index = new Map();
      state.cart.clear();
    }
    applyTheme(currentTenant());
    await refreshMenu();
    if (!state.menu) return;
    state.categoryId = (state.menu.categories[0] || {}).id || null;
    go('menu');
  },

  showCategory(id) {
    state.categoryId = id;
    render();
    const title = $('category-title');
    if (title) title.scrollIntoView({ block: 'start' });
  },

  openItem(itemId) {
    const entry = state.index.get(itemId);
    if (!entry) return;
    state.detail = { itemId, lineKey: null, selections: initialSelections(entry.item), quantity: 1,
                     attempted: false, maxFlash: null };
    go('item');
  },

  editLine(key) {
    const line = state.cart.lines.find((l) => l.key === key);
    const entry = line && state.index.get(line.itemId);
    if (!entry) return;
    state.detail = { itemId: line.itemId, lineKey: key, selections: selectionsFromLine(entry.item, line.optionIds),
                     quantity: line.quantity, attempted: false, maxFlash: null };
    go('item');
  },

  closeItem() {
    const back = state.detail && state.detail.lineKey ? 'cart' : 'menu';
    state.detail = null;
    go(back);
  },

  toggleOption(groupId, optionId) {
    const entry = state.index.get(state.detail.itemId);
    if (!entry) return;
    const r = toggle(entry.item, state.detail.selections, groupId, optionId);
    state.detail.selections = r.selections;
    state.detail.maxFlash = r.maxReached ? groupId : null;
    render();
  },

  setDetailQuantity(n) {
    state.detail.quantity = n;
    render();
  },

  addDetail() {
    const d = state.detail;
    const entry = state.index.get(d.itemId);
    if (!entry) return;
    const blocking = firstIncomplete(entry.item, d.selections);
    if (blocking) {
      d.attempted = true;
      render();
      const group = document.querySelector(`[data-group="${CSS.escape(blocking.id)}"]`);
      if (group) {
        group.scrollIntoView({ block: 'center', behavior: 'smooth' });
        const first = group.querySelector('button');
        if (first) first.focus({ preventScroll: true });
      }
      return;
    }
    const ids = chosenIds(entry.item, d.selections);
    if (d.lineKey) state.cart.replace(d.lineKey, entry.item, ids, d.quantity);
    else state.cart.add(entry.item, ids, d.quantity);
    announce(t.itemAdded(entry.item.name));
    const back = d.lineKey ? 'cart' : 'menu';
    state.detail = null;
    go(back);
  },

  openCart() {
    state.checkout.error = null;
    go('cart');
  },

  closeCart() {
    if (state.checkout.inFlight) return;
    go('menu');
  },

  setLineQuantity(key, n) {
    if (state.checkout.inFlight) return;
    state.cart.setQuantity(key, n);
    state.checkout.error = null;
    render();
  },

  removeLine(key) {
    if (state.checkout.inFlight) return;
    const line = state.cart.lines.find((l) => l.key === key);
    state.cart.remove(key);
    state.checkout.error = null;
    if (line) announce(t.cartRemoved(line.name));
    render({ focusTitle: !document.querySelector(`[data-focus="remove-${CSS.escape(key)}"]`) });
  },

  async placeOrder() {
    const c = state.checkout;
    if (c.inFlight) return;  // a second tap while the first is on its way
    if (!state.cart.lines.length || state.preview.blocked) return;
    if (!c.key || c.version !== state.cart.version) {
      c.key = api.newIdempotencyKey();
      c.version = state.cart.version;
    }
    c.inFlight = true;
    c.error = null;
    c.retrying = false;
    idle.disarm();  // never start over under an order on its way
    render();
    const tenantId = state.tenantId;
    const body = state.cart.orderBody();
    let res;
    for (let attempt = 0; ; attempt++) {
      res = await api.placeOrder(tenantId, body, c.key);
      if (res.ok || res.kind !== 'network' || attempt >= config.retries) break;
      c.retrying = true;
      render();
      await sleep(1000 * (attempt + 1));
    }
    c.inFlight = false;
    c.retrying = false;
    if (res.ok) {
      rememberOrder(res.order);
      state.lastOrder = res.order;
      state.cart.clear();
      state.checkout = freshCheckout();
      showConfirmation();
      return;
    }
    const zone = state.menu && state.menu.location ? state.menu.location.timezone : null;
    c.error = friendlyOrderError(res, state.cart, zone);
    if (res.status === 409) c.key = null;  // this key belongs to another body: never reuse it
    if (res.status === 422) refreshMenu();
    idle.arm();
    render();
    announce(c.error);
  },

  finish() {
    if (!state.confirmSettled) return;
    actions.startOver();
  },

  startOver() {
    clearInterval(confirmTimer);
    state.cart.clear();
    state.checkout = freshCheckout();
    state.detail = null;
    state.lastOrder = null;
    if (state.tenants.length > 1) state.tenantId = null;
    applyTheme(currentTenant());
    go('attract');
  },
};

function showConfirmation() {
  state.confirmLeft = Math.ceil(config.confirm);
  state.confirmSettled = false;
  go('confirm');
  setTimeout(() => {
    state.confirmSettled = true;
    const done = document.querySelector('.confirm-done');
    if (done) done.removeAttribute('aria-disabled');
  }, CONFIRM_SETTLE_MS);
  clearInterval(confirmTimer);
  const deadline = Date.now() + config.confirm * 1000;
  confirmTimer = setInterval(() => {
    state.confirmLeft = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const el = $('confirm-countdown');
    if (el) el.textContent = t.confirmReturning(state.confirmLeft);
    if (state.confirmLeft <= 0) actions.startOver();
  }, 250);
}

// ---------------------------------------------------------------- idle prompt

const idle = new IdleWatcher({
  idleMs: config.idle * 1000,
  promptMs: config.prompt * 1000,
  onPrompt(left) {
    $('idle-body').textContent = t.idleBody(left);
    const dialog = $('idle');
    if (!dialog.open) dialog.showModal();
    $('idle-stay').focus();
  },
  onTick(left) {
    $('idle-body').textContent = t.idleBody(left);
  },
  onDismiss() {
    const dialog = $('idle');
    if (dialog.open) dialog.close();
  },
  onTimeout() {
    actions.startOver();
  },
});

// ---------------------------------------------------------------- start

function staticText() {
  document.documentElement.lang = locale;
  document.title = t.documentTitle;
  $('banner-text').textContent = t.offline;
  $('idle-title').textContent = t.idleTitle;
  $('idle-stay').textContent = t.idleStay;
  $('idle-leave').textContent = t.idleLeave;
  $('idle-stay').addEventListener('click', () => idle.stay());
  $('idle-leave').addEventListener('click', () => {
    idle.disarm();
    actions.startOver();
  });
  // Escape on the dialog means "I'm here", not "close and leave the timer running".
  $('idle').addEventListener('cancel', (e) => {
    e.preventDefault();
    idle.stay();
  });
}

async function main() {
  staticText();
  render();
  while (!(await loadTenants())) await sleep(2000);
  render();
  await refreshMenu();
  render();
  connectLive({
    onMenu(data) {
      if (data.tenant === state.tenantId) refreshMenu();
    },
    onOrder: onOrderEvent,
    onConnectivity(data) {
      const tenant = state.tenants.find((x) => x.id === data.tenant);
      if (tenant && typeof data.online === 'boolean') {
        tenant.online = data.online;
        renderBanner();
      }
    },
    onResync: resyncAll,
    onLost() {},
  });
  // A slow safety net under the live stream: both answers are cheap when unchanged.
  setInterval(resyncAll, 60000);
  document.body.dataset.ready = 'true';
}

main();
