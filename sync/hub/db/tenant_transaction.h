// run_for_tenant: one unit of hub work in a tenant-scoped transaction,
// committed when fn succeeds, rolled back when it fails, and retried (up to
// `attempts` times) when PostgreSQL aborted it for a deadlock (40P01) or a
// serialization failure (40001), which a retry resolves.
//
// Thread safety: as PgConnection. fn may run more than once: it must not
// have effects outside the transaction.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "sync/hub/db/transaction.h"

namespace larder::hub::db {

Status run_for_tenant(PgConnection& conn, std::string_view tenant_id,
                      const std::function<Status(Transaction&)>& fn, int attempts = 3);

// run_for_tenant() for every tenant the connected role can list, in id
// order: the schema owner lists all of them, the hub role none. Stops at the
// first failure. The connection must not be inside a transaction.
Status for_each_listed_tenant(PgConnection& conn,
                              const std::function<Status(const std::string&, Transaction&)>& fn);

}  // namespace larder::hub::db
