-- Replica schema v3: where this replica stands in the centre's change feed,
-- and the device's order-number sequence. One row (id = 1).

CREATE TABLE sync_state (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  cursor           TEXT NOT NULL DEFAULT '',    -- opaque; '' = nothing pulled yet (cursor zero)
  replica_ready    INTEGER NOT NULL DEFAULT 0 CHECK (replica_ready IN (0, 1)),
  last_pull_at     TEXT,
  last_push_at     TEXT,
  last_error       TEXT,
  next_order_seq   INTEGER NOT NULL DEFAULT 1 CHECK (next_order_seq >= 1)
) STRICT;
INSERT INTO sync_state (id) VALUES (1);
