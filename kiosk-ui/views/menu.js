// The menu: categories along the top, the category's items as large cards, and
// the order bar at the bottom.

import { h } from '../dom.js';
import { formatMoney } from '../money.js';
import { strings as t } from '../strings.js';
import { picture } from './parts.js';

export function menuView(s, a) {
  const categories = (s.menu && s.menu.categories) || [];
  const category = categories.find((c) => c.id === s.categoryId) || categories[0];
  const money = (m) => formatMoney(m, s.menu.currency);
  return h('section', { class: 'view menu', 'aria-labelledby': 'category-title' },
    categories.length > 1
      ? h('nav', { class: 'categories', 'aria-label': t.categoriesLabel },
          categories.map((c) => h('button', {
            type: 'button', class: 'category', 'aria-current': c === category ? 'true' : null,
            'data-focus': `cat-${c.id}`, onclick: () => a.showCategory(c.id) }, c.name)))
      : null,
    h('div', { class: 'scroll', 'data-scroll': `menu-${category ? category.id : ''}` },
      category
        ? [h('h1', { id: 'category-title', class: 'screen-title', tabindex: '-1' }, category.name),
           category.description ? h('p', { class: 'category-description' }, category.description) : null,
           h('ul', { class: 'items', 'aria-label': t.itemsLabel(category.name) },
             category.items.map((item) => h('li', {},
               h('button', { type: 'button', class: 'item-card', 'data-item': item.id,
                             'data-focus': `item-${item.id}`,
                             'aria-label': t.itemButtonLabel(item.name, money(item.price_minor)),
                             onclick: () => a.openItem(item.id) },
                 picture(item.image_url, item.name, 'item-picture'),
                 h('span', { class: 'item-text' },
                   h('span', { class: 'item-name' }, item.name),
                   item.description ? h('span', { class: 'item-description' }, item.description) : null,
                   h('span', { class: 'item-price' }, t.itemFrom(money(item.price_minor))))))))]
        : h('p', { class: 'empty', id: 'category-title' }, t.emptyMenu)),
    cartBar(s, a));
}

function cartBar(s, a) {
  const n = s.cart.count;
  if (n === 0) {
    return h('footer', { class: 'cart-bar' },
      h('p', { class: 'cart-bar-empty' }, t.cartBarEmpty));
  }
  const total = formatMoney(s.preview.total, s.menu.currency);
  return h('footer', { class: 'cart-bar' },
    h('button', { type: 'button', class: 'primary cart-bar-button', 'data-focus': 'cart-bar',
                  'aria-label': t.cartBarLabel(n, total), onclick: () => a.openCart() },
      h('span', { class: 'cart-bar-count', 'aria-hidden': 'true' }, String(n)),
      h('span', { class: 'cart-bar-label' }, t.cartBarReview),
      h('span', { class: 'cart-bar-total' }, total)));
}
