-- Replica schema v2: the durable order ledger and its outbox.
-- An order is written once, with its lines, option snapshots and outbox
-- entry, in one synchronous=FULL transaction before the API answers 201.

CREATE TABLE orders (
  id               TEXT PRIMARY KEY,            -- UUIDv7, the idempotency key end to end
  number           TEXT NOT NULL UNIQUE,        -- device short code '-' sequence, e.g. K1-0042
  location_id      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'placed'
                   CHECK (status IN ('placed', 'accepted', 'in_progress', 'ready', 'completed', 'cancelled')),
  subtotal_minor   INTEGER NOT NULL CHECK (subtotal_minor >= 0),
  tax_minor        INTEGER NOT NULL CHECK (tax_minor >= 0),
  total_minor      INTEGER NOT NULL CHECK (total_minor >= 0),
  currency         TEXT NOT NULL CHECK (length(currency) = 3),
  tax_rate_bp      INTEGER NOT NULL,
  tax_inclusive    INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
  note             TEXT,
  idempotency_key  TEXT UNIQUE,                 -- the client's Idempotency-Key header, if any
  request_hash     TEXT,                        -- of the request body, to detect a reused key
  placed_at        TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX orders_placed ON orders (placed_at);

CREATE TABLE order_items (
  order_id          TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no           INTEGER NOT NULL CHECK (line_no >= 1),
  item_id           TEXT NOT NULL,
  name              TEXT NOT NULL,              -- snapshot
  unit_price_minor  INTEGER NOT NULL CHECK (unit_price_minor >= 0),  -- item plus option deltas
  quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  line_total_minor  INTEGER NOT NULL CHECK (line_total_minor >= 0),
  PRIMARY KEY (order_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_item_options (
  order_id           TEXT NOT NULL,
  line_no            INTEGER NOT NULL,
  option_id          TEXT NOT NULL,
  modifier_id        TEXT NOT NULL,
  name               TEXT NOT NULL,             -- snapshot
  price_delta_minor  INTEGER NOT NULL,          -- snapshot
  PRIMARY KEY (order_id, line_no, option_id),
  FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- One entry per order to push. 'synced' once the hub answered accepted or
-- duplicate; 'dead' when it rejected the order (kept, shown, never dropped).
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id     TEXT NOT NULL UNIQUE REFERENCES orders (id),
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'synced', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_pending ON outbox (state, seq);
