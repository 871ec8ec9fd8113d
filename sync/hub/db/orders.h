// Orders at the hub: exactly-once ingest (DESIGN.md decision 7) and the
// kitchen's monotonic status changes (decision 8).
//
// ingest_orders() stores the orders of one push, as checked by check_order()
// (order_content.h) from the documents the node sent (MENU_IMPORT.md "Order
// documents"), with the identity from the device's credential (never from
// the request). One answer per order, in order:
//   accepted   stored now, with its items and options;
//   duplicate  the same id was stored before with the same content (same
//              canonical content hash; status is not content);
//   rejected   with a reason: conflict (same id, different content: the
//              stored order is left unchanged), an order for another tenant
//              or location than the device's, an item or option unknown to
//              the tenant, or invalid data (names the path, e.g.
//              "items[0].quantity must be >= 1"; for data only PostgreSQL
//              refuses, the kind of problem, e.g. "invalid: placed_at is
//              not a real date and time", never PostgreSQL's own text,
//              which is in `detail`). Nothing of it is stored; the
//              rejection is recorded in events (kind "order_rejected", with
//              the reason, the document and any database_error) so nothing
//              is dropped silently.
// The push is stored in one tenant-scoped transaction (a few statements for
// all its orders, not a dozen per order), so the location's feed counter is
// taken once per push. An order that PostgreSQL itself refuses (a value out
// of a column's range, say) is rejected alone: the push is then stored
// again with a savepoint around each order, and the others are kept. An id
// repeated within one push is answered as if its copies came in separate
// pushes, in order. A database failure is an error Status for the whole
// push (nothing of it committed; retry later), never a rejection.
//
// Thread safety: functions; the connection is used by the calling thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/order_content.h"
#include "sync/hub/db/pg_connection.h"
#include "sync/hub/db/provisioning.h"

namespace larder::hub::db {

enum class IngestOutcome { kAccepted, kDuplicate, kRejected };

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kRejected;
  std::string order_id;
  std::string reason;  // for kRejected; sent to the node
  // For an order PostgreSQL itself refused: its message (SQLSTATE included),
  // for the hub's log and the events row; never sent to the node.
  std::string detail;
};

// One result per order, in the order given.
Result<std::vector<IngestResult>> ingest_orders(PgConnection& conn, const DeviceIdentity& device,
                                                const std::vector<CheckedOrder>& orders);

// One order: ingest_orders() of check_order(order).
Result<IngestResult> ingest_order(PgConnection& conn, const DeviceIdentity& device,
                                  const nlohmann::json& order);

// Moves an order forward: placed < accepted < in_progress < ready <
// completed | cancelled. Same status: OK, no change. Backwards:
// kFailedPrecondition "order X is ready; it cannot move back to accepted".
// Out of a final status (completed and cancelled are both final):
// kFailedPrecondition "order X is completed, a final status; it cannot
// become cancelled". Unknown order: kNotFound. Unknown status:
// kInvalidArgument.
Status set_order_status(PgConnection& conn, const std::string& tenant_id,
                        const std::string& order_id, const std::string& status);

}  // namespace larder::hub::db
