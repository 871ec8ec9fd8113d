-- Undo 001_schema.
DROP TABLE events, order_item_options, order_items, orders, devices, options, item_modifiers,
  modifiers, items, categories, menus, locations, tenants;
DROP FUNCTION larder_order_status_forward();
DROP FUNCTION larder_order_status_rank(text);
DROP FUNCTION larder_touch();
DROP FUNCTION larder_current_tenant();
