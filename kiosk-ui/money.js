// Money on screen. Amounts are integer minor units from the node; this module only
// formats them. The integer becomes an exact decimal string ("1234" cents -> "12.34")
// and Intl.NumberFormat formats that string, so no floating point division ever
// touches an amount. Sums for the cart preview use BigInt (see cart.js).

import { locale } from './strings.js';

const formatters = new Map();

function formatter(currency) {
  let f = formatters.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // An unknown code from the back office: show the code rather than nothing.
      f = new Intl.NumberFormat(locale, { style: 'currency', currency: 'XXX' });
    }
    formatters.set(currency, f);
  }
  return f;
}

// The number of minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD).
export function minorDigits(currency) {
  return formatter(currency).resolvedOptions().maximumFractionDigits;
}

// "1234", 2 -> "12.34"; "-5", 2 -> "-0.05"; "7", 0 -> "7".
export function minorToDecimal(minor, digits) {
  const n = BigInt(minor);
  const negative = n < 0n;
  const s = (negative ? -n : n).toString().padStart(digits + 1, '0');
  const whole = digits ? s.slice(0, s.length - digits) : s;
  const frac = digits ? '.' + s.slice(s.length - digits) : '';
  return (negative ? '-' : '') + whole + frac;
}

export function formatMoney(minor, currency) {
  const f = formatter(currency);
  // format() takes a decimal string exactly (Intl.NumberFormat v3).
  return f.format(minorToDecimal(minor, f.resolvedOptions().maximumFractionDigits));
}
