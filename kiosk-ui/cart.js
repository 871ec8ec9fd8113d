// The diner's cart and its preview prices. The cart keeps what was chosen (ids),
// never prices: every preview is recomputed from the menu on screen now, so a price
// changed by the back office shows at once, and a line whose item or option left the
// menu is flagged. The node prices the order itself; the confirmation shows its totals.
// Arithmetic is BigInt on integer minor units.

export const MAX_QUANTITY = 99;  // node/api/openapi.json: OrderRequest.lines[].quantity
export const MAX_LINES = 50;     // OrderRequest.lines maxItems

// itemId -> {item, category}; also option lookups per item.
export function indexMenu(menu) {
  const items = new Map();
  for (const category of (menu && menu.categories) || []) {
    for (const item of category.items || []) {
      const options = new Map();
      for (const group of item.modifiers || []) {
        for (const option of group.options || []) options.set(option.id, { option, group });
      }
      items.set(item.id, { item, category, options });
    }
  }
  return items;
}

function sameChoice(line, itemId, optionIds) {
  if (line.itemId !== itemId || line.optionIds.length !== optionIds.length) return false;
  return line.optionIds.every((id, i) => id === optionIds[i]);
}

let nextKey = 1;

export class Cart {
  constructor() {
    this.lines = [];
    this.version = 0;  // bumps on every change; the checkout key follows it
  }

  clear() {
    this.lines = [];
    this.version++;
  }

  get count() {
    return this.lines.reduce((n, l) => n + l.quantity, 0);
  }

  // optionIds in menu order; the same item with the same choices merges into one line.
  add(item, optionIds, quantity) {
    const ids = [...optionIds];
    const existing = this.lines.find((l) => sameChoice(l, item.id, ids));
    if (existing) {
      existing.quantity = Math.min(MAX_QUANTITY, existing.quantity + quantity);
    } else {
      if (this.lines.length >= MAX_LINES) return false;
      this.lines.push({ key: `l${nextKey++}`, itemId: item.id, name: item.name, optionIds: ids,
                        optionNames: [], quantity: Math.min(MAX_QUANTITY, quantity) });
    }
    this.version++;
    return true;
  }

  replace(key, item, optionIds, quantity) {
    const line = this.lines.find((l) => l.key === key);
    if (!line) return this.add(item, optionIds, quantity);
    line.optionIds = [...optionIds];
    line.quantity = Math.min(MAX_QUANTITY, quantity);
    line.name = item.name;
    this.version++;
    return true;
  }

  setQuantity(key, quantity) {
    const line = this.lines.find((l) => l.key === key);
    if (!line) return;
    if (quantity <= 0) {
      this.remove(key);
      return;
    }
    line.quantity = Math.min(MAX_QUANTITY, quantity);
    this.version++;
  }

  remove(key) {
    this.lines = this.lines.filter((l) => l.key !== key);
    this.version++;
  }

  // The POST body (OrderRequest).
  orderBody() {
    return {
      lines: this.lines.map((l) => {
        const line = { item_id: l.itemId, quantity: l.quantity };
        if (l.optionIds.length) line.option_ids = [...l.optionIds];
        return line;
      }),
    };
  }
}

// One line against the menu now: {available, unitMinor, lineMinor, name, options[]}.
// Names come from the menu when the item is still there (a rename shows), else
// from what was remembered when it was added.
export function previewLine(index, line) {
  const entry = index.get(line.itemId);
  if (!entry) {
    return { available: false, name: line.name, options: line.optionNames, unitMinor: 0n, lineMinor: 0n };
  }
  let unit = BigInt(entry.item.price_minor);
  const options = [];
  let available = true;
  for (const id of line.optionIds) {
    const o = entry.options.get(id);
    if (!o) {
      available = false;
      continue;
    }
    unit += BigInt(o.option.price_delta_minor);
    options.push(o.option.name);
  }
  line.name = entry.item.name;
  if (available) line.optionNames = options;
  return { available, name: entry.item.name, options: available ? options : line.optionNames,
           unitMinor: unit, lineMinor: unit * BigInt(line.quantity) };
}

// Mirrors node/pricing/tax.cc so the preview usually matches; the node's answer is
// what the confirmation shows.
export function previewTax(subtotal, rateBp, inclusive) {
  const rate = BigInt(rateBp || 0);
  if (!inclusive) {
    const tax = (subtotal * rate + 5000n) / 10000n;
    return { subtotal, tax, total: subtotal + tax };
  }
  const divisor = 10000n + rate;
  const net = (subtotal * 10000n + divisor / 2n) / divisor;
  return { subtotal, tax: subtotal - net, total: subtotal };
}

export function previewCart(menu, index, cart) {
  let subtotal = 0n;
  let blocked = false;
  const lines = cart.lines.map((line) => {
    const p = previewLine(index, line);
    if (!p.available) blocked = true;
    else subtotal += p.lineMinor;
    return { line, ...p };
  });
  const tax = (menu && menu.tax) || { rate_bp: 0, inclusive: false };
  return { lines, blocked, inclusive: !!tax.inclusive, ...previewTax(subtotal, tax.rate_bp, tax.inclusive) };
}
