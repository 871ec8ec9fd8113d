-- Undo 002_row_level_security.
REVOKE ALL ON tenants, locations, devices, menus, categories, items, modifiers, item_modifiers,
  options, orders, order_items, order_item_options, events FROM larder_hub;
REVOKE ALL ON SEQUENCE events_id_seq FROM larder_hub;
REVOKE USAGE ON SCHEMA public FROM larder_hub;
DROP POLICY owner_lists_tenants ON tenants;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'locations', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options', 'devices', 'orders', 'order_items',
                           'order_item_options', 'events'] LOOP
    EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t);
  END LOOP;
END
$$;
