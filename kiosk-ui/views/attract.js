// The attract screen: the whole screen is one button that starts an order.

import { h, localUrl } from '../dom.js';
import { strings as t } from '../strings.js';

export function attractView(s, a) {
  const tenant = s.tenants.length === 1 ? s.tenants[0] : null;
  const logo = tenant && localUrl(tenant.logo_url);
  let note = null;
  let ready = s.tenants.length > 0 && s.tenants.some((x) => x.ready);
  if (!s.tenantsLoaded) note = t.attractLoading;
  else if (!ready) note = t.attractNotReady;
  else if (tenant && s.menu && s.menu.location && s.menu.location.open === false) {
    note = t.attractClosed;
    ready = false;
  }
  return h('section', { class: 'view attract', 'aria-labelledby': 'attract-title' },
    h('button', { type: 'button', class: 'attract-button', disabled: !ready, 'data-focus': 'attract',
                  'aria-describedby': 'attract-touch', onclick: () => a.start() },
      logo ? h('img', { class: 'attract-logo', src: logo, alt: '' }) : null,
      h('h1', { id: 'attract-title', class: 'attract-title' }, t.attractTitle(tenant && tenant.name)),
      h('span', { id: 'attract-touch', class: 'attract-touch' }, note || t.attractTouch),
      ready ? h('span', { class: 'attract-cta', 'aria-hidden': 'true' }, t.attractStart) : null));
}
