// run_for_tenant: one unit of hub work in a tenant-scoped transaction,
// committed when fn succeeds, rolled back when it fails, and retried (up to
// `attempts` times) when PostgreSQL aborted it for a deadlock (40P01) or a
// serialization failure (40001), which a retry resolves.
//
// Thread safety: as PgConnection. fn may run more than once: it must not
// have effects outside the transaction.
#pragma once

#include <functional>
#include <string_view>

#include "base/status.h"
#include "sync/hub/db/transaction.h"

namespace larder::hub::db {

Status run_for_tenant(PgConnection& conn, std::string_view tenant_id,
                      const std::function<Status(Transaction&)>& fn, int attempts = 3);

}  // namespace larder::hub::db
