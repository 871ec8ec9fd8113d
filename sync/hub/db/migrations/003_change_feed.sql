-- 003_change_feed: change capture for the sync feed (see ../FEED.md).
--
-- Scopes: the tenant scope (location_id = the nil UUID) holds tenants,
-- menus, categories, items, modifiers, item_modifiers and options; the
-- location scope (tenant, location) holds that locations row and the status
-- of that location's orders.
--
-- feed_counters: one row per scope. The first captured write of a
-- transaction in a scope increments it (the row lock then orders the commits
-- of that scope's writers) and remembers the new version in a
-- transaction-local setting, so all its rows share one version.
-- feed_changes: one compact row per synced row: its latest version, an
-- upsert with the row's JSON, or a delete tombstone. Purging tombstones
-- raises oldest_valid_version; positions below it must resync.
CREATE TABLE feed_counters (
  tenant_id            uuid NOT NULL,
  location_id          uuid NOT NULL,  -- nil UUID: the tenant scope
  version              bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  oldest_valid_version bigint NOT NULL DEFAULT 0 CHECK (oldest_valid_version >= 0),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, location_id)
);

CREATE TABLE feed_changes (
  tenant_id   uuid NOT NULL,
  location_id uuid NOT NULL,  -- nil UUID: the tenant scope
  table_name  text NOT NULL,
  row_key     text NOT NULL,  -- key_json as canonical jsonb text
  version     bigint NOT NULL CHECK (version >= 1),
  op          text NOT NULL CHECK (op IN ('upsert', 'delete')),
  key_json    jsonb NOT NULL,
  row_json    jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, location_id, table_name, row_key),
  CHECK ((op = 'delete') = (row_json IS NULL))
);
CREATE INDEX feed_changes_by_version ON feed_changes (tenant_id, location_id, version);

ALTER TABLE feed_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE feed_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON feed_counters
  USING (tenant_id = larder_current_tenant()) WITH CHECK (tenant_id = larder_current_tenant());
ALTER TABLE feed_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE feed_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON feed_changes
  USING (tenant_id = larder_current_tenant()) WITH CHECK (tenant_id = larder_current_tenant());

-- The version of the current transaction in a scope: taken from the
-- transaction-local setting when this transaction already has one, else
-- the scope's counter is incremented (row lock held until commit), the
-- setting remembered, and listeners told (NOTIFY is delivered at commit,
-- once per distinct payload per transaction).
CREATE FUNCTION larder_feed_version(p_tenant uuid, p_location uuid) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  setting text := 'larder_feed.v' || replace(p_tenant::text, '-', '')
                  || replace(p_location::text, '-', '');
  v bigint := nullif(current_setting(setting, true), '')::bigint;
BEGIN
  IF v IS NULL THEN
    INSERT INTO feed_counters AS c (tenant_id, location_id, version)
      VALUES (p_tenant, p_location, 1)
      ON CONFLICT (tenant_id, location_id)
      DO UPDATE SET version = c.version + 1, updated_at = now()
      RETURNING c.version INTO v;
    PERFORM set_config(setting, v::text, true);
    PERFORM pg_notify('larder_feed', p_tenant::text || '/' || p_location::text);
  END IF;
  RETURN v;
END
$$;

CREATE FUNCTION larder_feed_put(p_tenant uuid, p_location uuid, p_table text, p_key jsonb,
                                p_op text, p_row jsonb) RETURNS void
  LANGUAGE sql
  AS $$
    INSERT INTO feed_changes AS f (tenant_id, location_id, table_name, row_key, version, op,
                                   key_json, row_json)
      VALUES (p_tenant, p_location, p_table, p_key::text, larder_feed_version(p_tenant, p_location),
              p_op, p_key, p_row)
      ON CONFLICT (tenant_id, location_id, table_name, row_key)
      DO UPDATE SET version = EXCLUDED.version, op = EXCLUDED.op, row_json = EXCLUDED.row_json,
                    updated_at = now()
  $$;

-- What the feed shows of a row: its key, its scope's location, its JSON
-- (tenant_id dropped; the tenants row shows its tenant_id as "id"; an order
-- shows only id, status and updated_at).
CREATE FUNCTION larder_feed_key(p_table text, r jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE p_table
      WHEN 'tenants' THEN jsonb_build_object('id', r->'tenant_id')
      WHEN 'item_modifiers' THEN jsonb_build_object('item_id', r->'item_id',
                                                    'modifier_id', r->'modifier_id')
      ELSE jsonb_build_object('id', r->'id') END
  $$;

CREATE FUNCTION larder_feed_location(p_table text, r jsonb) RETURNS uuid
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE p_table
      WHEN 'locations' THEN (r->>'id')::uuid
      WHEN 'orders' THEN (r->>'location_id')::uuid
      ELSE '00000000-0000-0000-0000-000000000000'::uuid END
  $$;

CREATE FUNCTION larder_feed_row(p_table text, r jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE p_table
      WHEN 'tenants' THEN jsonb_build_object('id', r->'tenant_id') || (r - 'tenant_id')
      WHEN 'orders' THEN jsonb_build_object('id', r->'id', 'status', r->'status',
                                            'updated_at', r->'updated_at')
      ELSE r - 'tenant_id' END
  $$;

-- The capture trigger (AFTER, per row). SECURITY DEFINER: it runs as the
-- owner, so the hub role needs no write grant on the feed tables and cannot
-- forge feed rows; FORCEd RLS still confines it to the transaction's tenant.
-- UTC makes timestamps in row JSON independent of the session's TimeZone.
CREATE FUNCTION larder_capture() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET timezone = 'UTC'
  AS $$
DECLARE
  new_key jsonb;
  new_location uuid;
  old_key jsonb;
  old_location uuid;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    new_key := larder_feed_key(TG_TABLE_NAME, to_jsonb(NEW));
    new_location := larder_feed_location(TG_TABLE_NAME, to_jsonb(NEW));
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    old_key := larder_feed_key(TG_TABLE_NAME, to_jsonb(OLD));
    old_location := larder_feed_location(TG_TABLE_NAME, to_jsonb(OLD));
  END IF;
  IF new_key IS NOT NULL THEN
    PERFORM larder_feed_put(NEW.tenant_id, new_location, TG_TABLE_NAME, new_key, 'upsert',
                            larder_feed_row(TG_TABLE_NAME, to_jsonb(NEW)));
  END IF;
  -- A delete, or an update that moved the row to another key or scope,
  -- leaves a tombstone where the row was.
  IF old_key IS NOT NULL AND (new_key IS NULL OR old_key <> new_key
                              OR old_location <> new_location) THEN
    PERFORM larder_feed_put(OLD.tenant_id, old_location, TG_TABLE_NAME, old_key, 'delete', NULL);
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION larder_capture() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION larder_feed_version(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION larder_feed_put(uuid, uuid, text, jsonb, text, jsonb) FROM PUBLIC;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'locations', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options'] LOOP
    EXECUTE format('CREATE TRIGGER z_capture AFTER INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION larder_capture()', t);
  END LOOP;
END
$$;
-- Take the tenant scope's version BEFORE each write statement on its
-- tables, i.e. before the statement locks any row. Row triggers alone would
-- lock a row first and the scope second, so two writers of one tenant
-- touching the same rows in different orders would deadlock on every
-- collision; with the scope taken first, they simply queue. The tenant is
-- the transaction's setting (RLS refuses rows of any other tenant anyway).
-- A statement that then changes no row costs an empty version, which
-- readers skip.
CREATE FUNCTION larder_capture_scope_first() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF larder_current_tenant() IS NOT NULL THEN
    PERFORM larder_feed_version(larder_current_tenant(), '00000000-0000-0000-0000-000000000000');
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION larder_capture_scope_first() FROM PUBLIC;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options'] LOOP
    EXECUTE format('CREATE TRIGGER a_capture_scope_first BEFORE INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION larder_capture_scope_first()', t);
  END LOOP;
END
$$;

-- Orders reach the feed only through their status (and their arrival).
CREATE TRIGGER z_capture AFTER INSERT OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION larder_capture();
CREATE TRIGGER z_capture_status AFTER UPDATE OF status ON orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION larder_capture();

-- Purge, for the transaction's tenant: tombstones, and the feed rows of
-- orders in a final status (completed, cancelled), last changed longer ago
-- than the retention. Each scope's oldest_valid_version rises to the highest
-- version purged, so a position below it answers "resync" instead of
-- silently missing a delete. Returns the number of feed rows purged.
CREATE FUNCTION larder_purge_feed(retention interval) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
DECLARE
  purged bigint;
BEGIN
  WITH gone AS (
    DELETE FROM feed_changes f
     WHERE f.tenant_id = larder_current_tenant()
       AND f.updated_at < now() - retention
       AND (f.op = 'delete'
            OR (f.table_name = 'orders' AND f.row_json->>'status' IN ('completed', 'cancelled')))
    RETURNING f.location_id, f.version
  ), per_scope AS (
    SELECT location_id, max(version) AS top, count(*) AS n FROM gone GROUP BY location_id
  ), raised AS (
    UPDATE feed_counters c
       SET oldest_valid_version = greatest(c.oldest_valid_version, p.top), updated_at = now()
      FROM per_scope p
     WHERE c.tenant_id = larder_current_tenant() AND c.location_id = p.location_id
    RETURNING p.n
  )
  SELECT coalesce(sum(n), 0) INTO purged FROM raised;
  RETURN purged;
END
$$;
REVOKE EXECUTE ON FUNCTION larder_purge_feed(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION larder_purge_feed(interval) TO larder_hub;

GRANT SELECT ON feed_counters, feed_changes TO larder_hub;
