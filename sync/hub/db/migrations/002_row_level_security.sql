-- 002_row_level_security: tenant isolation in the database (DESIGN.md decision 9).
--
-- RLS is ENABLEd and FORCEd on every tenant table (FORCE: the owner too).
-- One policy per table admits the rows whose tenant_id equals the
-- transaction's larder.tenant_id setting, for reads (USING) and for writes
-- (WITH CHECK). No setting: larder_current_tenant() is NULL, nothing matches,
-- every table reads as empty and every write is refused.
--
-- The hub connects as larder_hub (created by `larder-hub db bootstrap`, see
-- roles.h): it owns nothing, cannot bypass RLS, and gets only the grants
-- below. Orders are immutable for it except their status.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'locations', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options', 'devices', 'orders', 'order_items',
                           'order_item_options', 'events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                   'USING (tenant_id = larder_current_tenant()) '
                   'WITH CHECK (tenant_id = larder_current_tenant())', t);
  END LOOP;
END
$$;

-- The owner (who runs migrations and admin jobs) may list tenants, e.g. to
-- purge tombstones of each; it is refused as the hub's role anyway.
CREATE POLICY owner_lists_tenants ON tenants FOR SELECT TO CURRENT_USER USING (true);

GRANT USAGE ON SCHEMA public TO larder_hub;
GRANT SELECT, INSERT, UPDATE ON tenants, locations, devices TO larder_hub;
GRANT SELECT, INSERT, UPDATE, DELETE ON menus, categories, items, modifiers, item_modifiers,
  options TO larder_hub;
GRANT SELECT, INSERT ON orders, order_items, order_item_options, events TO larder_hub;
GRANT UPDATE (status) ON orders TO larder_hub;
GRANT USAGE ON SEQUENCE events_id_seq TO larder_hub;
