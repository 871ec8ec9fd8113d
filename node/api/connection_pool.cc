#include "node/api/connection_pool.h"

#include <utility>

namespace larder::node::api {

void ConnectionPool::enqueue(std::function<void()> connection) {
  metrics_.connection_accepted();
  pool_.enqueue([this, connection = std::move(connection)] {
    metrics_.connection_started();
    // Exceptions never get here: ApiHandler::handle catches its own, and the
    // server's exception handler anything cpp-httplib lets through.
    connection();
    metrics_.connection_closed();
  });
}

}  // namespace larder::node::api
