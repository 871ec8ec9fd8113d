// A tiny element builder: h('button', {class: 'big', onclick: fn, 'aria-label': s}, ...children).
// Children are nodes, strings (as text, never HTML) or arrays of them; null and false are skipped.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') {
      for (const [prop, value] of Object.entries(v)) el.style.setProperty(prop, value);
    }
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Only same-origin (or inline data:) pictures: the screen talks to its node alone,
// and the page's Content-Security-Policy would block anything else anyway.
export function localUrl(url) {
  if (!url) return null;
  try {
    const u = new URL(url, location.href);
    if (u.protocol === 'data:' || u.origin === location.origin) return u.href;
  } catch {
    return null;
  }
  return null;
}
