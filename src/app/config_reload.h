// Config reload across the cluster: after a deployment's execute or rollback changed topics,
// schemas, mappings or webhook endpoints in the platform database, every `serve` instance reloads
// its in-memory copies at once (topic catalog, schema gate, webhook endpoint cache, CDC readers'
// mappings) instead of waiting for its 2 s poll. The question travels over the ClusterRpc
// (broker/cluster_rpc.h) as "config.reload"; each instance answers after its reload.
//
// Thread safety: ServeConfigReload during start-up (before the cluster starts); ReloadEverywhere
// from any thread but an I/O thread (it blocks up to the timeout). Lifetime: the reload function
// and everything it touches must outlive the cluster. Failure: never fails; an instance that did
// not answer in time is reported as `partial` (its poll still catches up within 2 s).
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>

#include "broker/cluster_rpc.h"

namespace rt::app {

// Registers the "config.reload" answer: runs reload() and reports its failures as text.
void ServeConfigReload(broker::ClusterRpc& cluster, std::function<Status()> reload);
// Asks every instance to reload; {instances, reloaded, partial}.
boost::json::object ReloadEverywhere(broker::ClusterRpc& cluster, std::chrono::milliseconds timeout);

}  // namespace rt::app
