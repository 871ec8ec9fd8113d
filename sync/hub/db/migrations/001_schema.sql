-- 001_schema: the central tables of notes/schema.md.
--
-- Every table carries tenant_id as the first column of its primary key (so
-- the schema can be distributed by tenant with Citus) and every foreign key
-- includes tenant_id, so a row can only ever reference rows of its own
-- tenant. created_at/updated_at are set by the larder_touch trigger, never
-- by callers. Ranges documented in schema.md are CHECK constraints.

-- The tenant of the current transaction, from set_config('larder.tenant_id',
-- ..., true). NULL when unset: every RLS policy then matches no row.
CREATE FUNCTION larder_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('larder.tenant_id', true), '')::uuid $$;

CREATE FUNCTION larder_touch() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.created_at := now();
  ELSE
    NEW.created_at := OLD.created_at;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- Order status is monotonic: placed 0 < accepted 1 < in_progress 2 < ready 3
-- < completed 4 < cancelled 5 (merge = the higher rank wins).
CREATE FUNCTION larder_order_status_rank(status text) RETURNS int
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE status
      WHEN 'placed' THEN 0 WHEN 'accepted' THEN 1 WHEN 'in_progress' THEN 2
      WHEN 'ready' THEN 3 WHEN 'completed' THEN 4 WHEN 'cancelled' THEN 5 END
  $$;

CREATE TABLE tenants (
  tenant_id   uuid PRIMARY KEY,  -- the tenant's id ("id" in the feed and on the node)
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  brand_color text CHECK (brand_color ~ '^#[0-9A-Fa-f]{6}$'),
  logo_url    text,
  currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
  tenant_id     uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone      text NOT NULL,
  opening_hours jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(opening_hours) = 'object'),
  tax_rate_bp   int NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 100000),
  tax_inclusive boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE menus (
  tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id          uuid NOT NULL,
  location_id uuid,  -- NULL: the menu is for every location
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  dayparts    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(dayparts) = 'array'),
  sort_order  int NOT NULL DEFAULT 0,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX menus_location ON menus (tenant_id, location_id);

CREATE TABLE categories (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  menu_id     uuid NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  sort_order  int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, menu_id) REFERENCES menus (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX categories_menu ON categories (tenant_id, menu_id);

CREATE TABLE items (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  category_id uuid NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  available   boolean NOT NULL DEFAULT true,
  image_url   text,
  sort_order  int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX items_category ON items (tenant_id, category_id);

CREATE TABLE modifiers (
  tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id          uuid NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  selection   text NOT NULL CHECK (selection IN ('single', 'multi')),
  min_choices int NOT NULL DEFAULT 0 CHECK (min_choices >= 0),
  max_choices int NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (max_choices >= min_choices)
);

CREATE TABLE item_modifiers (
  tenant_id   uuid NOT NULL,
  item_id     uuid NOT NULL,
  modifier_id uuid NOT NULL,
  sort_order  int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, item_id, modifier_id),
  FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, modifier_id) REFERENCES modifiers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX item_modifiers_modifier ON item_modifiers (tenant_id, modifier_id);

CREATE TABLE options (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL,
  modifier_id       uuid NOT NULL,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price_delta_minor bigint NOT NULL DEFAULT 0,  -- may be negative
  is_default        boolean NOT NULL DEFAULT false,
  available         boolean NOT NULL DEFAULT true,
  sort_order        int NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, modifier_id) REFERENCES modifiers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX options_modifier ON options (tenant_id, modifier_id);

-- Credentials are stored only as SHA-256 hashes (hex) of the secret strings.
CREATE TABLE devices (
  tenant_id               uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id                      uuid NOT NULL,
  location_id             uuid NOT NULL,
  name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  short_code              text NOT NULL CHECK (short_code ~ '^[A-Za-z0-9]{1,8}$'),
  token_hash              text CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  enrollment_code_hash    text CHECK (enrollment_code_hash ~ '^[0-9a-f]{64}$'),
  enrollment_expires_at   timestamptz,
  enrolled_at             timestamptz,
  revoked_at              timestamptz,
  last_seen_at            timestamptz,
  app_version             text,
  outbox_depth            int CHECK (outbox_depth >= 0),
  last_error              text,
  cursor                  text,
  cursor_tenant_version   bigint,  -- the feed position the device reported,
  cursor_location_version bigint,  -- for its lag in the fleet view
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, short_code),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);
CREATE INDEX devices_location ON devices (tenant_id, location_id);
CREATE UNIQUE INDEX devices_token_hash ON devices (tenant_id, token_hash);
CREATE UNIQUE INDEX devices_enrollment_code_hash ON devices (tenant_id, enrollment_code_hash);

CREATE TABLE orders (
  tenant_id      uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id             uuid NOT NULL,  -- UUIDv7 made by the node: the idempotency key
  location_id    uuid NOT NULL,
  device_id      uuid NOT NULL,
  number         text NOT NULL CHECK (length(number) BETWEEN 1 AND 32),
  status         text NOT NULL DEFAULT 'placed' CHECK (larder_order_status_rank(status) IS NOT NULL),
  subtotal_minor bigint NOT NULL CHECK (subtotal_minor >= 0),
  tax_minor      bigint NOT NULL CHECK (tax_minor >= 0),
  total_minor    bigint NOT NULL CHECK (total_minor >= 0),
  currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  placed_at      timestamptz NOT NULL,
  content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id),
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id)
);
CREATE INDEX orders_location ON orders (tenant_id, location_id);
CREATE INDEX orders_device ON orders (tenant_id, device_id);

-- Order lines are snapshots: item_id/option_id name what was sold even after
-- the menu row is deleted, so they carry no foreign key to the menu; order
-- ingest checks them against the tenant's menu instead.
CREATE TABLE order_items (
  tenant_id        uuid NOT NULL,
  order_id         uuid NOT NULL,
  line_no          int NOT NULL CHECK (line_no >= 1),
  item_id          uuid NOT NULL,
  name             text NOT NULL,
  unit_price_minor bigint NOT NULL,
  quantity         int NOT NULL CHECK (quantity >= 1),
  line_total_minor bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, line_no),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_items_item ON order_items (tenant_id, item_id);

CREATE TABLE order_item_options (
  tenant_id         uuid NOT NULL,
  order_id          uuid NOT NULL,
  line_no           int NOT NULL,
  option_id         uuid NOT NULL,
  modifier_id       uuid NOT NULL,
  name              text NOT NULL,
  price_delta_minor bigint NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id, line_no, option_id),
  FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_items (tenant_id, order_id, line_no)
    ON DELETE CASCADE
);
CREATE INDEX order_item_options_option ON order_item_options (tenant_id, option_id);

CREATE TABLE events (
  tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  id         bigserial NOT NULL,
  kind       text NOT NULL,
  subject    text,
  detail     jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Monotonic order status, enforced here whoever writes (LD412: refused).
CREATE FUNCTION larder_order_status_forward() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF larder_order_status_rank(NEW.status) < larder_order_status_rank(OLD.status) THEN
    RAISE EXCEPTION 'order % is %; it cannot move back to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'LD412';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_status_forward BEFORE UPDATE OF status ON orders
  FOR EACH ROW EXECUTE FUNCTION larder_order_status_forward();

-- Trigger names fire in alphabetical order: "a_" skips no-op updates first
-- (so they neither bump updated_at nor reach the change feed), "b_" stamps.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'locations', 'menus', 'categories', 'items', 'modifiers',
                           'item_modifiers', 'options', 'devices', 'orders', 'order_items',
                           'order_item_options', 'events'] LOOP
    EXECUTE format('CREATE TRIGGER a_skip_noop_update BEFORE UPDATE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION suppress_redundant_updates_trigger()', t);
    EXECUTE format('CREATE TRIGGER b_touch BEFORE INSERT OR UPDATE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION larder_touch()', t);
  END LOOP;
END
$$;
