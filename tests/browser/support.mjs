// Shared pieces of the kiosk browser tests: the stack (psql, menu import, hub stop and
// start) and the browser (Debian's Chromium through playwright-core, portrait 1080x1920).
// Everything comes from the KIOSK_* variables run_browser_tests.sh exports.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through run_browser_tests.sh (ctest -R kiosk_browser)`);
  return v;
}

export const env = {
  url: need('KIOSK_URL'),
  hubDb: need('KIOSK_HUB_DB'),
  tenant: need('KIOSK_TENANT'),
  hubBin: need('KIOSK_HUB_BIN'),
  demoMenu: need('KIOSK_DEMO_MENU'),
  screenshots: need('KIOSK_SCREENSHOTS'),
  chromium: process.env.KIOSK_CHROMIUM || '/usr/bin/chromium',
  ctl: need('KIOSK_CTL'),
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn until it answers something truthy; loose deadlines (seconds), never a speed check.
export async function waitFor(what, fn, { timeout = 30000, every = 250 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    await sleep(every);
  }
}

// ------------------------------------------------------------------ PostgreSQL

// Runs SELECTs scoped to the demo tenant (RLS: the hub role sees a tenant only inside
// a transaction that set larder.tenant_id). Answers the rows as arrays of columns.
export async function hubQuery(sql) {
  const { stdout } = await run('psql', [
    env.hubDb, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1',
    '-c', 'BEGIN',
    '-c', `SELECT 'scoped' WHERE set_config('larder.tenant_id', '${env.tenant}', true) IS NOT NULL`,
    '-c', sql,
    '-c', 'COMMIT']);
  return stdout.split('\n').filter((l) => l && l !== 'scoped').map((l) => l.split('\t'));
}

export async function hubOrderByNumber(number) {
  const rows = await hubQuery(
    `SELECT id, number, total_minor, subtotal_minor, tax_minor, status FROM orders WHERE number = '${number}'`);
  return rows.map(([id, num, total, subtotal, tax, status]) => ({
    id, number: num, total: Number(total), subtotal: Number(subtotal), tax: Number(tax), status }));
}

export async function hubOrderCount() {
  const rows = await hubQuery('SELECT count(*) FROM orders');
  return Number(rows[0][0]);
}

// ------------------------------------------------------------------ menu and hub

export async function demoMenu() {
  return JSON.parse(await readFile(env.demoMenu, 'utf8'));
}

let menuDir = null;

// Imports a copy of tests/e2e/demo_menu.json changed by edit(menu) (larder-hub menu import).
export async function importMenu(edit) {
  const menu = await demoMenu();
  if (edit) edit(menu);
  menuDir = menuDir || await mkdtemp(join(tmpdir(), 'kiosk-menu-'));
  const file = join(menuDir, `menu-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(menu, null, 2));
  await run(env.hubBin, ['menu', 'import', '--db', env.hubDb, '--tenant', env.tenant, file]);
}

export function findItem(menu, name) {
  return menu.items.find((i) => i.name === name);
}

export function findOption(menu, name) {
  return menu.options.find((o) => o.name === name);
}

// The node's API, for preconditions (never for what the test is checking on screen).
export async function nodeMenu() {
  const res = await fetch(`${env.url}/api/v1/tenants/${env.tenant}/menu`);
  if (!res.ok) throw new Error(`GET menu: ${res.status}`);
  return res.json();
}

export function menuItem(menu, name) {
  for (const c of menu.categories) for (const i of c.items) if (i.name === name) return i;
  return null;
}

// Waits until the node's replica answers pred(menu): the import has been pulled.
export async function waitForNodeMenu(what, pred) {
  return waitFor(`the node's menu: ${what}`, async () => pred(await nodeMenu()));
}

export async function outboxDepth() {
  const res = await fetch(`${env.url}/api/v1/status`);
  const body = await res.json();
  return body.tenants.find((x) => x.id === env.tenant).outbox_depth;
}

export async function setOrderStatus(orderId, status) {
  await run(env.hubBin, ['order', 'status', '--db', env.hubDb, '--tenant', env.tenant, orderId, status]);
}

export async function stopHub() {
  await run('bash', [env.ctl, 'stop_hub']);
}

export async function startHub() {
  await run('bash', [env.ctl, 'start_hub']);
}

// ------------------------------------------------------------------ browser

export async function launchBrowser() {
  // Playwright gives every launch a fresh, throwaway --user-data-dir of its own (under
  // TMPDIR, which run_browser_tests.sh points into the stack's work dir); it refuses
  // the flag in args.
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A fresh context (no storage) on the kiosk, portrait 1080x1920, touch.
export async function openKiosk(browser, params = '') {
  const context = await browser.newContext({
    viewport: { width: 1080, height: 1920 },
    deviceScaleFactor: 1,
    hasTouch: true,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|net::ERR_/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  await page.goto(`${env.url}/${params ? `?${params}` : ''}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { context, page };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(env.screenshots, `${name}.png`) });
}
