// ShardExecutor: runs tasks on a fixed set of single-threaded shards (the I/O threads). A
// connection belongs to one shard for its whole life; state owned by a shard is touched only on
// that shard's thread, so it needs no locks. Implemented by net::HttpServer.
//
// Thread safety: Post may be called from any thread; tasks on one shard run in FIFO order.
#pragma once

#include <cstddef>
#include <functional>

namespace rt {

class ShardExecutor {
 public:
  virtual ~ShardExecutor() = default;
  virtual size_t shard_count() const = 0;
  virtual void PostToShard(size_t shard, std::function<void()> task) = 0;
};

}  // namespace rt
