-- Undo 005_order_indexes_after_key.
DROP INDEX orders_location;
DROP INDEX orders_device;
CREATE INDEX orders_location ON orders (tenant_id, location_id);
CREATE INDEX orders_device ON orders (tenant_id, device_id);
