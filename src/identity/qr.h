// QR codes for the MFA setup screen: the otpauth:// URI rendered as an SVG image in a data URL
// (`data:image/svg+xml;base64,...`), ready for an <img src>. libqrencode does the encoding
// (byte mode, error correction level M, smallest version that fits); the SVG has a 4-module
// quiet zone, one <path> of dark modules, and `shape-rendering="crispEdges"`.
//
// Thread safety: pure functions (libqrencode's QRcode_encodeString is reentrant in 4.x).
// Failure: kValidation when the text is empty or too long for a QR code (> ~2.3 KB at level M);
// kInternal if libqrencode fails otherwise (out of memory).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace rt::identity {

struct QrSvg {
  std::string svg;  // the SVG document
  int modules = 0;  // modules per side, without the quiet zone (21 for version 1, +4 per version)
};

// The QR code of text as an SVG document.
Result<QrSvg> QrCodeSvg(std::string_view text);
// The same as a data URL: "data:image/svg+xml;base64," + base64(svg).
Result<std::string> QrCodeDataUrl(std::string_view text);

}  // namespace rt::identity
