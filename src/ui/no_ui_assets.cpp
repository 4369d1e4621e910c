// The embedded admin UI of a build without one (REALTIME_UI_DIST did not exist, or node was
// missing): no files, so `GET /` answers the "not built" page (api/admin_ui_routes.h).
#include "net/static_assets.h"

namespace rt::net {

std::span<const StaticAsset> EmbeddedUiAssets() { return {}; }

}  // namespace rt::net
