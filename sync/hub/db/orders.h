// Orders at the hub: exactly-once ingest (DESIGN.md decision 7) and the
// kitchen's monotonic status changes (decision 8).
//
// ingest_order() takes the order as the node sends it (JSON, format in
// MENU_IMPORT.md "Order documents") and the identity from the device's
// credential (never from the request). It answers:
//   accepted   stored now, with its items and options, in one transaction;
//   duplicate  the same id was stored before with the same content (same
//              canonical content hash; status is not content);
//   rejected   with a reason: conflict (same id, different content: the
//              stored order is left unchanged), an order for another tenant
//              or location than the device's, or invalid data (names the
//              path, e.g. "items[0].quantity must be >= 1"). Rejections are
//              recorded in events (kind "order_rejected", with the document)
//              so nothing is dropped silently.
// A database failure is an error Status (retry later), not a rejection.
//
// Thread safety: functions; the connection is used by the calling thread.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"
#include "sync/hub/db/provisioning.h"

namespace larder::hub::db {

enum class IngestOutcome { kAccepted, kDuplicate, kRejected };

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kRejected;
  std::string order_id;
  std::string reason;  // for kRejected
};

Result<IngestResult> ingest_order(PgConnection& conn, const DeviceIdentity& device,
                                  const nlohmann::json& order);

// The canonical content hash (SHA-256 hex) of a valid order document.
Result<std::string> order_content_hash(const nlohmann::json& order);

// Moves an order forward. Same status: OK, no change. Backwards:
// kFailedPrecondition "order X is ready; it cannot move back to accepted".
// Unknown order: kNotFound. Unknown status: kInvalidArgument.
Status set_order_status(PgConnection& conn, const std::string& tenant_id,
                        const std::string& order_id, const std::string& status);

}  // namespace larder::hub::db
