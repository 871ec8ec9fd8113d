#include "sync/hub/db/tenant_transaction.h"

#include "sync/hub/db/pg_error.h"

namespace larder::hub::db {

Status run_for_tenant(PgConnection& conn, std::string_view tenant_id,
                      const std::function<Status(Transaction&)>& fn, int attempts) {
  Status last;
  for (int i = 0; i < attempts; ++i) {
    LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin_for_tenant(conn, tenant_id));
    last = fn(tx);
    if (last.is_ok()) last = tx.commit();
    if (last.is_ok()) return last;
    std::string state = sqlstate_of(last);
    if (state != "40P01" && state != "40001") return last;
  }
  return last;
}

Status for_each_listed_tenant(PgConnection& conn,
                              const std::function<Status(const std::string&, Transaction&)>& fn) {
  LARDER_ASSIGN_OR_RETURN(PgResult tenants,
                          conn.exec("SELECT tenant_id::text FROM tenants ORDER BY 1"));
  for (int t = 0; t < tenants.rows(); ++t) {
    const std::string tenant(tenants.get(t, 0));
    LARDER_RETURN_IF_ERROR(
        run_for_tenant(conn, tenant, [&](Transaction& tx) { return fn(tenant, tx); }));
  }
  return Status::ok();
}

}  // namespace larder::hub::db
