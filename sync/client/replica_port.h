// ReplicaPort: what the sync client needs from one tenant's replica on the node.
//
// The sync client (sync/client/sync_client.h) speaks to the hub; everything it
// reads or writes locally goes through this port, which the node implements
// on its SQLCipher replica (node/core/tenant_runtime.h) and tests implement in
// memory. Each method is one local transaction: apply() writes a page of
// changes and the cursor after it together (DESIGN.md decision 6), so a crash
// between two calls loses nothing and repeats nothing; apply_staging() does the
// same for a page of a staged build, with the staging's own cursor.
//
// Thread safety: called from the tenant's sync thread only; implementations
// serialize with their other writers themselves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sync/protocol/wire.h"

namespace larder::sync {

class ReplicaPort {
 public:
  virtual ~ReplicaPort() = default;

  // The stored cursor of the live replica ("" until the first staged build
  // has been swapped in).
  virtual Result<std::string> cursor() = 0;
  // One page of changes and its cursor, in one transaction. The page is
  // consumed (its rows may be moved from).
  virtual Status apply(PullResponse& page) = 0;
  // A staged build (the first bootstrap, and every resync): start an empty
  // staging replica, fill it page by page (each page with its cursor, in one
  // transaction), swap it in with the final cursor atomically; only then is
  // the replica ready and do screens see any of it. Orders are untouched.
  virtual Status begin_resync() = 0;
  virtual Status apply_staging(PullResponse& page) = 0;
  virtual Status finish_resync(const std::string& cursor) = 0;
  // The cursor of a staged build in progress ("" when it has no page yet), so
  // a build cut by a crash or a lost link resumes; nullopt when none is.
  virtual Result<std::optional<std::string>> staging_cursor() = 0;

  // Orders still to push, oldest first.
  virtual Result<std::vector<WireOrder>> pending_orders(int limit) = 0;
  // The hub's answers: accepted and duplicate become synced; rejected become
  // dead letters with the reason.
  virtual Status record_push_results(const PushResponse& response) = 0;
  virtual Status record_push_failure(const std::vector<std::string>& order_ids,
                                     const std::string& error) = 0;
  virtual Heartbeat heartbeat() = 0;

  // Online when the last exchange with the hub succeeded; `error` says why not.
  virtual void set_online(bool online, const std::string& error) = 0;
};

}  // namespace larder::sync
