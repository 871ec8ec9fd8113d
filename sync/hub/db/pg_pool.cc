#include "sync/hub/db/pg_pool.h"

namespace larder::hub::db {

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_) pool_->give_back(std::move(conn_), discard_);
}

PgPool::PgPool(PgPoolOptions options) : options_(std::move(options)) {}

PgPool::~PgPool() = default;

int PgPool::open_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

int PgPool::idle_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(idle_.size());
}

Result<PooledConnection> PgPool::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ready = returned_.wait_for(lock, timeout, [&] { return !idle_.empty() || open_ < options_.size; });
  if (!ready) {
    return resource_exhausted("no database connection free within " +
                              std::to_string(timeout.count()) + " ms (pool of " +
                              std::to_string(options_.size) + ")");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    return PooledConnection(this, std::move(conn));
  }
  ++open_;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  auto connected = PgConnection::connect(options_.conninfo);
  Status status = connected.status();
  std::unique_ptr<PgConnection> conn;
  if (status.is_ok()) {
    conn = std::make_unique<PgConnection>(std::move(connected).value());
    if (options_.on_connect) status = options_.on_connect(*conn);
  }
  if (!status.is_ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return status;
  }
  return PooledConnection(this, std::move(conn));
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn, bool discard) {
  bool reuse = !discard && conn->is_reusable();
  if (!reuse) conn.reset();  // close outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (reuse) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  returned_.notify_one();
}

}  // namespace larder::hub::db
