// The brand picker, when this node serves several restaurants.

import { h, localUrl } from '../dom.js';
import { strings as t } from '../strings.js';
import { brandColors } from '../theme.js';

export function brandsView(s, a) {
  return h('section', { class: 'view brands', 'aria-labelledby': 'brands-title' },
    h('div', { class: 'scroll', 'data-scroll': 'brands' },
      h('h1', { id: 'brands-title', class: 'screen-title', tabindex: '-1' }, t.brandsTitle),
      h('ul', { class: 'brand-list' },
        s.tenants.map((tenant) => {
          const c = brandColors(tenant.brand_color);
          const logo = localUrl(tenant.logo_url);
          return h('li', {},
            h('button', { type: 'button', class: 'brand-card', disabled: !tenant.ready,
                          'data-focus': `brand-${tenant.id}`, 'aria-label': t.brandChoose(tenant.name),
                          style: { '--card-brand': c.brand, '--card-on-brand': c.onBrand },
                          onclick: () => a.selectTenant(tenant.id) },
              logo ? h('img', { class: 'brand-logo', src: logo, alt: '' })
                   : h('span', { class: 'brand-initial', 'aria-hidden': 'true' }, tenant.name.charAt(0)),
              h('span', { class: 'brand-card-name' }, tenant.name),
              tenant.ready ? null : h('span', { class: 'brand-card-note' }, t.attractNotReady)));
        }))),
    h('footer', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-focus': 'brands-back',
                    onclick: () => a.startOver() }, t.back)));
}
