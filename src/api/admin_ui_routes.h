// The admin UI, served by the binary (docs/admin-ui.md "Served by the binary"): GET/HEAD of every
// path that is not an API or gateway path answers from the files embedded at build time
// (net/static_assets.h) — the file itself when it exists, else index.html (the SPA's deep links,
// /topics, /invite/abc), with long-lived caching for the content-hashed /assets/ and security
// headers on the HTML. A missing /assets/ file is a JSON 404 (never HTML under a script's name).
// Built without admin-ui/dist, it answers a small HTML page saying how to build the UI.
//
// The route is a net::Router fallback (listed as `GET /*`, public): every registered route wins
// over it, and API paths are never claimed, so an unknown /api/... stays the JSON 404.
// Thread safety: the handler runs inline on the I/O thread (memory only); the asset rows must
// outlive the router (the embedded ones live forever). Nothing here fails.
#pragma once

#include <string_view>

#include "net/http_message.h"
#include "net/router.h"
#include "net/static_assets.h"

namespace rt::api {

// True for the paths the UI never claims: /api, /auth, /ws, /socket.io, /health, /ready,
// /metrics, and anything below them.
bool IsApiPath(std::string_view path);

// The answer of the UI route for one GET/HEAD request (exposed for tests).
net::HttpResponse ServeAdminUi(const net::StaticAssets& assets, const net::HttpRequest& req);

// Registers the fallback route; `assets` is copied (an index of views).
void RegisterAdminUiRoutes(net::Router& router, net::StaticAssets assets);

}  // namespace rt::api
