// Modifier choices for one item: defaults, toggling within min and max, and what
// still blocks adding. Selections are {groupId: [optionId, ...]}.

export function groupBounds(group) {
  const min = Math.max(0, group.min_choices | 0);
  let max = group.selection === 'single' ? 1 : group.max_choices | 0;
  if (max <= 0) max = group.options.length;
  return { min, max };
}

// Defaults pre-selected (at most max of them).
export function initialSelections(item) {
  const out = {};
  for (const group of item.modifiers || []) {
    const { max } = groupBounds(group);
    out[group.id] = group.options.filter((o) => o.is_default).slice(0, max).map((o) => o.id);
  }
  return out;
}

// Keep only choices the item still offers (the menu may have changed under us).
export function reconcile(item, selections) {
  const out = {};
  for (const group of item.modifiers || []) {
    const offered = new Set(group.options.map((o) => o.id));
    out[group.id] = (selections[group.id] || []).filter((id) => offered.has(id));
  }
  return out;
}

export function selectionsFromLine(item, optionIds) {
  const out = {};
  const chosen = new Set(optionIds);
  for (const group of item.modifiers || []) {
    out[group.id] = group.options.filter((o) => chosen.has(o.id)).map((o) => o.id);
  }
  return out;
}

// Answers {selections, maxReached}: a single choice replaces the current one;
// tapping a chosen option takes it away unless that would break a single required choice.
export function toggle(item, selections, groupId, optionId) {
  const group = (item.modifiers || []).find((g) => g.id === groupId);
  if (!group) return { selections, maxReached: false };
  const { min, max } = groupBounds(group);
  const current = selections[groupId] || [];
  const next = { ...selections };
  if (current.includes(optionId)) {
    if (max === 1 && min >= 1) return { selections, maxReached: false };
    next[groupId] = current.filter((id) => id !== optionId);
    return { selections: next, maxReached: false };
  }
  if (max === 1) {
    next[groupId] = [optionId];
    return { selections: next, maxReached: false };
  }
  if (current.length >= max) return { selections, maxReached: true };
  const order = group.options.map((o) => o.id);
  next[groupId] = [...current, optionId].sort((x, y) => order.indexOf(x) - order.indexOf(y));
  return { selections: next, maxReached: false };
}

export function groupState(group, selections) {
  const { min, max } = groupBounds(group);
  const count = (selections[group.id] || []).length;
  return { min, max, count, ok: count >= min && count <= max, full: count >= max };
}

export function firstIncomplete(item, selections) {
  return (item.modifiers || []).find((g) => !groupState(g, selections).ok) || null;
}

// Chosen option ids in menu order (groups, then options), as the cart keeps them.
export function chosenIds(item, selections) {
  const out = [];
  for (const group of item.modifiers || []) {
    const chosen = new Set(selections[group.id] || []);
    for (const o of group.options) if (chosen.has(o.id)) out.push(o.id);
  }
  return out;
}

export function unitPrice(item, selections) {
  let unit = BigInt(item.price_minor);
  for (const group of item.modifiers || []) {
    const chosen = new Set(selections[group.id] || []);
    for (const o of group.options) if (chosen.has(o.id)) unit += BigInt(o.price_delta_minor);
  }
  return unit;
}
