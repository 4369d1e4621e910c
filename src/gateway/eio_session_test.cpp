#include "gateway/eio_session.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace rt::gateway {
namespace {

TEST(EioSession, APollingQueuePastItsBoundClosesTheSessionAndIsCounted) {
  boost::asio::io_context ctx;
  EioCounters counters;
  EioOptions options;
  options.max_queue_bytes = 1000;
  options.counters = &counters;
  bool gone = false;
  auto session = std::make_shared<EioSession>("sid1", 0, ctx, options, [&](const std::string&) { gone = true; });
  session->StartPolling();
  const std::string packet(99, 'x');  // 100 bytes queued each ("4" + data)

  // A client that polls keeps its queue short: 10 packets, a GET, 10 more.
  for (int i = 0; i < 10; ++i) session->SendMessage(packet);
  std::string body;
  session->OnPollGet([&](net::HttpResponse&& r) { body = std::move(r.body); }, nullptr);
  EXPECT_EQ(body.size(), 10 * 100 + 9);  // ten packets joined by the record separator
  for (int i = 0; i < 10; ++i) session->SendMessage(packet);
  ctx.poll();
  EXPECT_FALSE(session->closed());
  EXPECT_EQ(counters.slow_consumers.load(), 0u);

  // One more byte than the bound: dropped and closed on the next turn, not from inside the call.
  session->SendMessage("");
  EXPECT_EQ(counters.slow_consumers.load(), 1u);
  EXPECT_FALSE(session->closed());
  ctx.poll();
  EXPECT_TRUE(session->closed());
  EXPECT_TRUE(gone);
  // Nothing is queued any more; a late GET learns that the session is gone.
  int status = 0;
  session->OnPollGet([&](net::HttpResponse&& r) { status = r.status; }, nullptr);
  EXPECT_EQ(status, 400);
}

}  // namespace
}  // namespace rt::gateway
