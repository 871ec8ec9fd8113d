-- Undo 003_change_feed.
DROP TRIGGER z_capture_status ON orders;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'locations', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options', 'orders'] LOOP
    EXECUTE format('DROP TRIGGER z_capture ON %I', t);
  END LOOP;
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options'] LOOP
    EXECUTE format('DROP TRIGGER a_capture_scope_first ON %I', t);
  END LOOP;
END
$$;
DROP FUNCTION larder_capture_scope_first();
DROP FUNCTION larder_purge_feed(interval);
DROP FUNCTION larder_capture();
DROP FUNCTION larder_feed_row(text, jsonb);
DROP FUNCTION larder_feed_location(text, jsonb);
DROP FUNCTION larder_feed_key(text, jsonb);
DROP FUNCTION larder_feed_put(uuid, uuid, text, jsonb, text, jsonb);
DROP FUNCTION larder_feed_version(uuid, uuid);
DROP TABLE feed_changes, feed_counters;
