// EventStream: one screen's Server-Sent Events stream, as text chunks.
//
// GET /api/v1/events answers with an EventStream; the HTTP adapter writes
// next_chunk() until it returns nullopt. The wire format (SSE, WHATWG HTML
// section 9.2):
//
//   retry: 3000                      first chunk: reconnect delay in ms
//
//   id: 42                           one per event published on the bus
//   event: order                     Event::type
//   data: {"tenant":"acme",...}      Event::data, one line of JSON
//
//   event: resync                    events were lost (this stream lagged, or
//   data: {"reason":"lagged"}        the browser reconnected with a
//                                    Last-Event-ID): refetch what is shown
//
//   : keep-alive                     after `heartbeat` without an event
//
// A stream filtered to one tenant skips events whose data names another
// tenant (events without a tenant go to every stream).
//
// StreamRegistry caps open streams and ends them all at shutdown. A stream
// holds its slot until it is destroyed; the HTTP adapter destroys it when its
// connection ends, and tells next_chunk() how to notice a closed connection.
//
// Thread safety: one thread uses an EventStream at a time (its connection's);
// StreamRegistry's methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "node/core/event_bus.h"

namespace larder::node::api {

class ApiMetrics;

class EventStream {
 public:
  enum class Start { kFresh, kResync };
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // How often a waiting next_chunk() asks whether the client is still there.
  static constexpr std::chrono::milliseconds kLivenessCheck{250};

  // The next chunk to write, waiting up to the heartbeat interval for an
  // event; nullopt once the stream was closed (shutdown), or as soon as
  // `client_gone` (when given, asked every kLivenessCheck while waiting)
  // returns true: the connection is then ended and the slot freed within
  // kLivenessCheck, rather than at the next heartbeat's failed write.
  std::optional<std::string> next_chunk(const std::function<bool()>& client_gone = {});

 private:
  friend class StreamRegistry;
  struct Shared;
  EventStream(std::shared_ptr<Shared> registry, std::shared_ptr<Subscription> sub,
              std::optional<std::string> tenant, std::chrono::milliseconds heartbeat,
              std::chrono::milliseconds retry, Start start);

  std::shared_ptr<Shared> registry_;
  std::shared_ptr<Subscription> sub_;
  std::optional<std::string> tenant_;
  std::chrono::milliseconds heartbeat_;
  std::string preamble_;  // sent first
  bool started_ = false;
};

class StreamRegistry {
 public:
  StreamRegistry(std::size_t max_streams, std::size_t queue_capacity,
                 std::chrono::milliseconds heartbeat, std::chrono::milliseconds retry,
                 std::shared_ptr<ApiMetrics> metrics);  // may be null
  ~StreamRegistry();

  // A new stream subscribed to `bus`. kResourceExhausted when max_streams are
  // open; kUnavailable after close_all().
  Result<std::shared_ptr<EventStream>> open(EventBus& bus, std::optional<std::string> tenant,
                                            EventStream::Start start);
  // Ends every open stream (their next_chunk() returns nullopt promptly) and
  // refuses new ones. Idempotent.
  void close_all();
  std::size_t open_count() const;

 private:
  std::shared_ptr<EventStream::Shared> shared_;
  std::size_t queue_capacity_;
  std::chrono::milliseconds heartbeat_;
  std::chrono::milliseconds retry_;
};

}  // namespace larder::node::api
