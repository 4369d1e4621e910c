#include "identity/qr.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/encoding.h"

namespace rt::identity {
namespace {

// Counts the dark modules the SVG path paints ("M x y h n v1h-n z" runs).
int PaintedModules(const std::string& svg) {
  std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  int total = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[3].str(), (*it)[4].str());
    total += std::stoi((*it)[3].str());
  }
  return total;
}

TEST(QrTest, SvgHasTheVersionsModuleCountAndQuietZone) {
  auto qr = QrCodeSvg("hello");  // fits version 1 at level M: 21 x 21 modules
  ASSERT_TRUE(qr.ok()) << qr.error().message;
  EXPECT_EQ(qr->modules, 21);
  EXPECT_NE(qr->svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""), std::string::npos);
  EXPECT_NE(qr->svg.find("</svg>"), std::string::npos);
  // Each finder pattern is 7x7 with 33 dark modules; the three add 99, plus timing and data.
  int dark = PaintedModules(qr->svg);
  EXPECT_GT(dark, 99);
  EXPECT_LT(dark, 21 * 21);
  // The top-left finder's first row: seven dark modules starting at the quiet zone (4, 4).
  EXPECT_NE(qr->svg.find("M4 4h7v1h-7z"), std::string::npos);
}

TEST(QrTest, AnOtpauthUriNeedsALargerVersion) {
  std::string uri =
      "otpauth://totp/Realtime:jane@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Realtime"
      "&algorithm=SHA1&digits=6&period=30";
  auto qr = QrCodeSvg(uri);
  ASSERT_TRUE(qr.ok());
  EXPECT_GT(qr->modules, 21);
  EXPECT_EQ((qr->modules - 17) % 4, 0);  // 17 + 4 * version
  std::string size = std::to_string(qr->modules + 8);
  EXPECT_NE(qr->svg.find("viewBox=\"0 0 " + size + " " + size + "\""), std::string::npos);
}

TEST(QrTest, DataUrlIsBase64OfTheSvg) {
  auto url = QrCodeDataUrl("hello");
  ASSERT_TRUE(url.ok());
  const std::string prefix = "data:image/svg+xml;base64,";
  ASSERT_EQ(url->substr(0, prefix.size()), prefix);
  auto svg = Base64Decode(url->substr(prefix.size()));
  ASSERT_TRUE(svg);
  EXPECT_EQ(*svg, QrCodeSvg("hello")->svg);
}

TEST(QrTest, RefusesEmptyAndOversizedText) {
  EXPECT_EQ(QrCodeSvg("").error().code, ErrorCode::kValidation);
  EXPECT_EQ(QrCodeSvg(std::string(3500, 'x')).error().code, ErrorCode::kValidation);
}

}  // namespace
}  // namespace rt::identity
