// Helpers for the sync document suites: a migrated platform database per backend, a
// DocumentService over any DocumentStore, and a race runner (N threads released together).
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "backends.h"
#include "core/ids.h"
#include "registry/application_service.h"
#include "store/migrator.h"
#include "sync/document_service.h"

namespace rt::testing {

inline boost::json::object JsonObj(std::string_view text) { return boost::json::parse(text).as_object(); }

// A DocumentService that records how many events it published.
struct SyncInstance {
  explicit SyncInstance(sync::DocumentStore& store)
      : service(
            store, [](const std::string&, const std::string&) { return Ok(); },
            [this](const Scope&, events::RawEventInput in) -> Result<std::string> {
              ++events;
              last_revision = in.revision.value_or(0);
              return NewId("evt");
            },
            sync::DocumentLimits{}) {}
  sync::DocumentService service;
  std::atomic<int> events{0};
  std::atomic<int64_t> last_revision{0};
};

struct RaceOutcome {
  std::vector<Result<sync::SyncDocument>> results;
  int ok = 0;
  int conflicts = 0;
  std::set<int64_t> revisions;  // of the successful writes
};

// Runs fn(i) for i in [0, n) on n threads released at the same moment.
inline RaceOutcome Race(int n, const std::function<Result<sync::SyncDocument>(int)>& fn) {
  std::vector<std::optional<Result<sync::SyncDocument>>> slots(n);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      slots[i].emplace(fn(i));
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  go.store(true);
  for (auto& t : threads) t.join();
  RaceOutcome out;
  for (auto& s : slots) {
    if (s->ok()) {
      ++out.ok;
      out.revisions.insert((*s)->revision);
    } else if (s->error().code == ErrorCode::kConflict) {
      ++out.conflicts;
    } else {
      ADD_FAILURE() << "unexpected error: " << s->error().message;
    }
    out.results.push_back(std::move(*s));
  }
  return out;
}

inline std::set<int64_t> Range(int64_t from, int64_t to) {
  std::set<int64_t> s;
  for (int64_t i = from; i <= to; ++i) s.insert(i);
  return s;
}

}  // namespace rt::testing
