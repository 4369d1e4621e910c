// Shared helpers of the load generator: clock, option parsing, payloads, /proc readers.
#pragma once

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace loadgen {

// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of this machine, so a
// timestamp written by a publisher process can be compared by a subscriber process.
inline uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// --key value / --flag options.
class Args {
 public:
  Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
      std::string k = argv[i];
      if (k.rfind("--", 0) != 0) continue;
      k = k.substr(2);
      if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
        kv_[k] = argv[++i];
      } else {
        kv_[k] = "1";
      }
    }
  }
  std::string Str(const std::string& k, const std::string& def = "") const {
    auto it = kv_.find(k);
    return it == kv_.end() ? def : it->second;
  }
  long long Int(const std::string& k, long long def = 0) const {
    auto it = kv_.find(k);
    return it == kv_.end() ? def : std::atoll(it->second.c_str());
  }
  double Num(const std::string& k, double def = 0) const {
    auto it = kv_.find(k);
    return it == kv_.end() ? def : std::atof(it->second.c_str());
  }
  bool Has(const std::string& k) const { return kv_.count(k) != 0; }
  const std::map<std::string, std::string>& all() const { return kv_; }

 private:
  std::map<std::string, std::string> kv_;
};

// utime + stime of a process in clock ticks (0 if unreadable).
inline uint64_t CpuTicks(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t rp = s.rfind(')');
  if (rp == std::string::npos) return 0;
  std::istringstream in(s.substr(rp + 2));
  std::string field;
  uint64_t ut = 0, st = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) ut = std::stoull(field);
    if (i == 15) st = std::stoull(field);
  }
  return ut + st;
}

// VmRSS of a process in KiB (0 if unreadable).
inline uint64_t RssKiB(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

inline double TicksPerSecond() { return double(sysconf(_SC_CLK_TCK)); }

// Busy clock ticks of the whole machine (all CPUs), from the first line of /proc/stat.
inline uint64_t MachineBusyTicks() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  uint64_t v[8] = {};
  f >> cpu;
  for (auto& x : v) f >> x;
  return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];  // user nice system irq softirq steal
}

// Parses the integer after the first `"ts":` in text (0 if absent).
inline uint64_t FindTimestamp(std::string_view text) {
  size_t p = text.find("\"ts\":");
  if (p == std::string_view::npos) return 0;
  uint64_t v = 0;
  for (p += 5; p < text.size() && text[p] >= '0' && text[p] <= '9'; ++p) v = v * 10 + uint64_t(text[p] - '0');
  return v;
}

// JSON string escaping is not needed: topics and tokens used by the bench are plain ASCII.
inline std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace loadgen
