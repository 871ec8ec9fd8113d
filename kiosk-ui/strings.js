// Every word the kiosk shows or speaks (screen readers included) lives here, so a
// translation is one copy of this file. Functions take the values they interpolate;
// amounts arrive already formatted (money.js), counts as integers.

export const locale = 'en-US';

export const strings = {
  documentTitle: 'Order here',

  // Attract screen.
  attractTitle: (name) => name ? `Welcome to ${name}` : 'Welcome',
  attractTouch: 'Touch to start your order',
  attractStart: 'Start order',
  attractClosed: 'Sorry, we are closed right now.',
  attractNotReady: 'We are getting ready. One moment please…',
  attractLoading: 'One moment please…',

  // Brand picker (a node serving several restaurants).
  brandsTitle: 'Where would you like to order from?',
  brandChoose: (name) => `Order from ${name}`,

  // Top bar.
  startOver: 'Start over',
  startOverLabel: 'Start over: empty your order and go back to the start',
  back: 'Back',

  // Menu.
  categoriesLabel: 'Menu categories',
  itemsLabel: (category) => `${category}: items`,
  emptyMenu: 'Nothing is available to order right now.',
  itemButtonLabel: (name, price) => `${name}, ${price}`,
  itemFrom: (price) => price,

  // Cart bar at the bottom of the menu.
  cartBarEmpty: 'Your order is empty',
  cartBarItems: (n) => (n === 1 ? '1 item' : `${n} items`),
  cartBarReview: 'Review order',
  cartBarLabel: (n, total) => `Review your order: ${n === 1 ? '1 item' : `${n} items`}, ${total}`,

  // Item detail.
  itemClose: 'Close',
  itemCloseLabel: (name) => `Close ${name} and go back to the menu`,
  groupRequiredOne: 'Choose 1',
  groupRequiredExactly: (n) => `Choose ${n}`,
  groupRequiredRange: (min, max) => `Choose ${min} to ${max}`,
  groupRequiredAtLeast: (min) => `Choose at least ${min}`,
  groupOptionalUpTo: (max) => (max === 1 ? 'Optional, choose up to 1' : `Optional, choose up to ${max}`),
  groupOptional: 'Optional',
  groupRequiredBadge: 'Required',
  groupDoneBadge: 'Done',
  groupMaxReached: (max) => (max === 1 ? 'You can choose 1' : `You can choose up to ${max}`),
  groupNeedsChoice: (name) => `Please choose your ${name.toLowerCase()}`,
  groupNeedsMore: (name, min) => `Please choose at least ${min} in ${name}`,
  optionDelta: (price) => `+ ${price}`,
  optionDeltaMinus: (price) => `− ${price}`,
  quantityLabel: 'Quantity',
  quantityDecrease: (name) => `One less ${name}`,
  quantityIncrease: (name) => `One more ${name}`,
  quantityValue: (n) => `${n}`,
  addToOrder: (price) => `Add to order · ${price}`,
  addToOrderBlocked: 'Make your choices to add',
  updateOrder: (price) => `Update order · ${price}`,
  itemAdded: (name) => `${name} added to your order`,
  itemGone: 'Sorry, this item is no longer available.',

  // Cart.
  cartTitle: 'Your order',
  cartEmpty: 'Your order is empty.',
  cartKeepOrdering: 'Add more items',
  cartEdit: 'Edit',
  cartEditLabel: (name) => `Edit ${name}`,
  cartRemove: 'Remove',
  cartRemoveLabel: (name) => `Remove ${name} from your order`,
  cartLineQuantity: (name, n) => `${name}: quantity ${n}`,
  cartUnavailable: 'No longer available. Please remove it to continue.',
  cartUnavailableBlock: 'Something in your order is no longer available. Please remove it to place your order.',
  cartRemoved: (name) => `${name} removed`,
  subtotal: 'Subtotal',
  taxEstimate: 'Tax (estimated)',
  tax: 'Tax',
  taxIncludedEstimate: (price) => `Includes about ${price} tax`,
  taxIncluded: (price) => `Includes ${price} tax`,
  total: 'Total',
  totalsLabel: (total) => `Order total ${total}`,
  placeOrder: (price) => `Place order · ${price}`,
  placingOrder: 'Placing your order…',

  // Order errors, in words a diner understands.
  errorCatchingUp: "We're catching up, please try again in a moment.",
  errorNetwork: "We couldn't reach the kitchen just now. Your order is not lost: please try again.",
  errorRetrying: 'Still trying to send your order…',
  errorTryAgain: 'Try again',
  errorGeneric: 'Something went wrong on our side. Please try again, or ask a member of staff.',
  errorOrderChanged: 'Part of your order changed while you were choosing. Please check it and try again.',
  errorItemGone: (name) => `${name} is no longer available.`,
  errorOptionGone: (name) => `A choice you made for ${name} is no longer available. Please edit it.`,
  errorChoices: (name) => `Please check your choices for ${name}.`,
  errorQuantity: (name) => `That is more ${name} than we can take in one order.`,
  errorTooMuch: 'This order is too large for one ticket. Please remove something.',
  errorNotReady: 'We are getting ready. Please try again in a moment.',
  // `when` is the next opening as a weekday and time in the restaurant's zone, or null.
  errorClosed: (when) => (when ? `Sorry, we are closed right now. We open again ${when}.`
                               : 'Sorry, we are closed right now.'),

  // Confirmation.
  confirmTitle: 'Thank you!',
  confirmNumberLabel: 'Your order number',
  confirmInstructions: "We'll call your number when your order is ready.",
  confirmDone: 'Done',
  confirmReturning: (s) => `Back to the start in ${s} s`,
  confirmSummary: 'Your order',

  // Ready notices (order event "ready" for an order placed on this screen).
  noticeReady: (number) => `Order ${number} is ready! Please collect it at the counter.`,
  noticeDismiss: 'Dismiss',

  // Offline banner.
  offline: "We're working offline for a moment. You can still order as usual.",

  // Idle prompt.
  idleTitle: 'Still there?',
  idleBody: (s) => `We'll start over in ${s} s.`,
  idleStay: "Yes, I'm here",
  idleLeave: 'Start over',
};
