// An order as it leaves the node: the wire form the sync client pushes
// (sync/protocol/wire.h), and the JSON the local API answers with, which is
// the same object plus the order's sync state.
#pragma once

#include "storage/order_ledger.h"
#include "sync/protocol/wire.h"

namespace larder::node {

sync::WireOrder wire_order(const storage::OrderRecord& order);

}  // namespace larder::node
