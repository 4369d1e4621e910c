#include "identity/qr.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>

#include "core/encoding.h"

namespace rt::identity {
namespace {

constexpr int kQuietZone = 4;
constexpr size_t kMaxText = 4096;

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<QrSvg> QrCodeSvg(std::string_view text) {
  if (text.empty() || text.size() > kMaxText) return Error::Validation("QR code text must be 1..4096 bytes");
  std::string s(text);
  errno = 0;
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString8bit(s.c_str(), 0, QR_ECLEVEL_M));
  if (!qr) {
    if (errno == ERANGE || errno == EINVAL) return Error::Validation("Text is too long for a QR code");
    return Error::Internal("QR encoding failed");
  }
  const int w = qr->width;
  const int size = w + 2 * kQuietZone;
  QrSvg out;
  out.modules = w;
  std::string& svg = out.svg;
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" width=\"" + std::to_string(size * 6) + "\" height=\"" +
         std::to_string(size * 6) + "\" shape-rendering=\"crispEdges\">";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"";
  // One horizontal run of dark modules per subpath: "M x y h n v 1 h -n z".
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w;) {
      if (!(qr->data[y * w + x] & 1)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < w && (qr->data[y * w + x + run] & 1)) ++run;
      svg += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" +
             std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>\n";
  return out;
}

Result<std::string> QrCodeDataUrl(std::string_view text) {
  auto svg = QrCodeSvg(text);
  if (!svg.ok()) return svg.take_error();
  return "data:image/svg+xml;base64," + Base64Encode(svg->svg);
}

}  // namespace rt::identity
