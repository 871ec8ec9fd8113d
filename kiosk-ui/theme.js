// Tenant branding: the brand colour and a text colour that reads on it.

const FALLBACK = '#2f6f4f';

function parseHex(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || '');
  if (!m) return null;
  let hex = m[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

// WCAG relative luminance; white text when it contrasts better than near-black.
function luminance([r, g, b]) {
  const lin = (c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function brandColors(color) {
  const rgb = parseHex(color) || parseHex(FALLBACK);
  const l = luminance(rgb);
  const onBrand = (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#ffffff' : '#1a1a1a';
  const brand = '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
  return { brand, onBrand };
}

export function applyTheme(tenant) {
  const { brand, onBrand } = brandColors(tenant && tenant.brand_color);
  const root = document.documentElement.style;
  root.setProperty('--brand', brand);
  root.setProperty('--on-brand', onBrand);
}
