#include "coordinator.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "histogram.h"

namespace loadgen {

namespace {

struct Child {
  pid_t pid = -1;
  int to = -1, from = -1;
  std::string buf;
};

Child Spawn(const char* exe, const std::vector<std::string>& args) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe, argv.data());
    _exit(127);
  }
  close(in[0]), close(out[1]);
  return {pid, in[1], out[0], {}};
}

void Send(Child& c, const std::string& line) {
  std::string l = line + "\n";
  if (write(c.to, l.data(), l.size()) < 0) std::cerr << "loadgen: worker " << c.pid << " gone\n";
}

// One line from the child, or "" on timeout/EOF.
std::string ReadLine(Child& c, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t nl = c.buf.find('\n');
    if (nl != std::string::npos) {
      std::string line = c.buf.substr(0, nl);
      c.buf.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{c.from, POLLIN, 0};
    if (poll(&p, 1, int(left.count())) <= 0) return "";
    char tmp[65536];
    ssize_t n = read(c.from, tmp, sizeof(tmp));
    if (n <= 0) return "";
    c.buf.append(tmp, size_t(n));
  }
}

std::string Expect(Child& c, const std::string& prefix, int timeout_ms) {
  for (;;) {
    std::string line = ReadLine(c, timeout_ms);
    if (line.empty()) return "";
    if (line.rfind(prefix, 0) == 0) return line;
  }
}

struct Snap {
  uint64_t received = 0, sent = 0, acks = 0, errors = 0, closed = 0, cpu = 0;
  Histogram hist;
  std::string first_error;
};

Snap SnapAll(std::vector<Child>& kids) {
  Snap s;
  for (auto& k : kids) Send(k, "SNAP");
  for (auto& k : kids) {
    std::istringstream in(Expect(k, "SNAP ", 10000));
    std::string tag, hist, err;
    uint64_t r = 0, se = 0, a = 0, e = 0, cl = 0, cpu = 0;
    in >> tag >> r >> se >> a >> e >> cl >> cpu >> hist;
    std::getline(in, err);
    s.received += r, s.sent += se, s.acks += a, s.errors += e, s.closed += cl, s.cpu += cpu;
    s.hist.Merge(Histogram::Parse(hist));
    if (s.first_error.empty() && err.size() > 1 && err != " -") s.first_error = err.substr(1);
  }
  return s;
}

void All(std::vector<Child>& kids, const std::string& cmd, const std::string& reply) {
  for (auto& k : kids) Send(k, cmd);
  if (!reply.empty())
    for (auto& k : kids) Expect(k, reply, 10000);
}

void Sleep(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string J(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) o += ch;
  }
  return o + "\"";
}

struct Window {
  double seconds = 0, delivered_per_s = 0, published_per_s = 0, server_cpu = 0, loadgen_cpu = 0, other_cpu = 0;
  uint64_t errors = 0, closed = 0;
  Histogram hist;
  Histogram ack_hist;  // docs: HTTP request -> response (the write acknowledged)
  std::string first_error;
};

class Scenario {
 public:
  Scenario(const Args& a, const char* exe) : a_(a), exe_(exe) {
    name_ = a.Str("scenario", "fanout");
    subs_ = a.Int("subs", name_ == "idle" ? 19000 : name_ == "latency" ? 1000 : 5000);
    topics_ = a.Int("topics", name_ == "many-topics" ? subs_ : 1);
    filter_mod_ = a.Int("filter-mod", name_ == "filtered" ? 10 : 0);
    procs_ = a.Int("procs", std::max<long long>(2, (subs_ + 9499) / 9500));
    server_pid_ = a.Str("server-pid");
    salt_ = int(getpid() % 200) + 20;
  }

  int Run() {
    uint64_t rss0 = server_pid_.empty() ? 0 : RssKiB(server_pid_);
    auto ready0 = std::chrono::steady_clock::now();
    auto [ok, failed] = StartSubscribers();
    // Wall time until every subscriber was connected, authenticated and (unless idle) subscribed.
    double ready_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ready0).count();
    std::cout << "loadgen: " << name_ << ": " << ok << " subscribers ready, " << failed << " failed, in " << ready_ms
              << " ms\n";
    std::ostringstream json;
    json << "{\"scenario\":" << J(name_) << ",\"proto\":" << J(a_.Str("proto", "ws")) << ",\"label\":"
         << J(a_.Str("label")) << ",\"subs\":" << ok << ",\"subs_failed\":" << failed << ",\"topics\":" << topics_
         << ",\"ready_ms\":" << ready_ms;
    if (name_ == "idle") {
      Sleep(a_.Int("settle-ms", 3000));
      uint64_t rss1 = server_pid_.empty() ? 0 : RssKiB(server_pid_);
      double per = ok ? double(rss1 - std::min(rss1, rss0)) * 1024.0 / double(ok) : 0;
      std::cout << "loadgen: idle: server RSS " << rss0 << " KiB -> " << rss1 << " KiB: " << per
                << " bytes per connection\n";
      // The idle cost in CPU (issue 20 item 6): the server's CPU over a window long enough for
      // every connection to see a heartbeat at the defaults (25 s ping interval), with clients
      // that answer them; a connection closed meanwhile shows as `closed`.
      uint64_t c0 = server_pid_.empty() ? 0 : CpuTicks(server_pid_), m0 = MachineBusyTicks();
      auto t0 = std::chrono::steady_clock::now();
      Sleep(a_.Int("idle-cpu-ms", 30000));
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      uint64_t c1 = server_pid_.empty() ? 0 : CpuTicks(server_pid_), m1 = MachineBusyTicks();
      double cpu = double(c1 - c0) / TicksPerSecond() / secs * 100;
      double other = std::max(0.0, double(m1 - m0) / TicksPerSecond() / secs * 100 - cpu);
      std::cout << "loadgen: idle: server CPU " << cpu << "% over " << secs << " s (machine otherwise " << other
                << "%)\n";
      Snap s = SnapAll(subs_kids_);  // connections the server closed while idle
      if (s.closed) std::cout << "loadgen: idle: " << s.closed << " connections closed: " << s.first_error << "\n";
      json << ",\"rss_before_kib\":" << rss0 << ",\"rss_after_kib\":" << rss1 << ",\"rss_per_conn_bytes\":" << per
           << ",\"closed\":" << s.closed << ",\"idle_cpu_pct\":" << cpu << ",\"idle_seconds\":" << secs
           << ",\"idle_other_cpu_pct\":" << other;
      if (!first_error_.empty() || !s.first_error.empty())
        json << ",\"first_error\":" << J(first_error_.empty() ? s.first_error : first_error_);
      return Finish(json, true);
    }
    if (!StartPublisher(json)) return Finish(json, false);
    Window w = Measure(a_.Str("rate", "max") == "max" ? 0 : a_.Num("rate"));
    Report(json, "", w);
    if (name_ == "latency") {
      // Open loop at fractions of the maximum publish rate just measured: 0.5 is the issue's
      // target point ("half_" keys); the others draw the latency curve ("curve").
      std::string curve;
      std::vector<std::pair<double, double>> points;  // (fraction or 0, rate)
      std::istringstream fr(a_.Str("latency-fractions", "0.5,0.25,0.1"));
      for (std::string f; std::getline(fr, f, ',');) {
        double frac = std::atof(f.c_str());
        if (frac <= 0) continue;  // "none": only the rate given by --rate
        points.push_back({frac, frac == 0.5 && a_.Has("latency-rate") ? a_.Num("latency-rate") : w.published_per_s * frac});
      }
      // Absolute rates, the same for every server (like-for-like latency).
      std::istringstream ar(a_.Str("latency-rates", ""));
      for (std::string r; std::getline(ar, r, ',');) points.push_back({0, std::atof(r.c_str())});
      for (auto [frac, rate] : points) {
        All(pubs_, "STOP", "STOPPED");
        Sleep(1000);
        Window h = Measure(rate);
        std::ostringstream pfx;
        if (frac > 0) pfx << "f" << int(frac * 100) << "_";
        else pfx << "at" << int(rate) << "_";
        std::printf("loadgen: latency at %.0f publishes/s (%s):\n", rate, pfx.str().c_str());
        if (frac == 0.5) {
          json << ",\"half_rate\":" << rate;
          Report(json, "half_", h);
        } else {
          Report(json, pfx.str(), h);
        }
        std::ostringstream point;
        point << "{\"fraction\":" << frac << ",\"rate\":" << rate << ",\"delivered_per_s\":" << h.delivered_per_s
              << ",\"p50_us\":" << h.hist.Quantile(0.5) << ",\"p99_us\":" << h.hist.Quantile(0.99)
              << ",\"p999_us\":" << h.hist.Quantile(0.999) << ",\"max_us\":" << h.hist.max()
              << ",\"server_cpu_pct\":" << h.server_cpu << ",\"loadgen_cpu_pct\":" << h.loadgen_cpu
              << ",\"other_cpu_pct\":" << h.other_cpu << "}";
        curve += (curve.empty() ? "" : ",") + point.str();
      }
      json << ",\"curve\":[" << curve << "]";
    }
    All(pubs_, "STOP", "STOPPED");
    return Finish(json, true);
  }

 private:
  // The port worker w connects to: the publisher (w == procs_) to --pub-port, subscriber worker w
  // to the w-th of --sub-ports (round robin: the instances of a cluster); both default to --port.
  std::string PortFor(uint32_t w) const {
    std::string port = a_.Str("port", "3000");
    if (w == procs_) return a_.Str("pub-port", port);
    std::vector<std::string> ports;
    std::istringstream in(a_.Str("sub-ports", port));
    for (std::string p; std::getline(in, p, ',');) ports.push_back(p);
    return ports.empty() ? port : ports[w % ports.size()];
  }

  std::vector<std::string> Common(uint32_t w) {
    std::vector<std::string> v = {"--host", a_.Str("host", "127.0.0.1"), "--port", PortFor(w),
                                  "--token", a_.Str("token"), "--topics", std::to_string(topics_),
                                  "--topic-prefix", a_.Str("topic-prefix", "bench.t"),
                                  "--payload-bytes", a_.Str("payload-bytes", "100"),
                                  "--src-ip", "127.0." + std::to_string(salt_) + "." + std::to_string(w + 1)};
    if (a_.Has("topic")) v.insert(v.end(), {"--topic", a_.Str("topic")});
    if (a_.Has("payload-fields")) v.insert(v.end(), {"--payload-fields", a_.Str("payload-fields")});
    return v;
  }

  std::pair<uint64_t, uint64_t> StartSubscribers() {
    uint64_t per = procs_ ? (uint64_t(subs_) + procs_ - 1) / procs_ : 0, base = 0;
    for (uint32_t w = 0; w < procs_ && base < uint64_t(subs_); ++w) {
      uint64_t n = std::min<uint64_t>(per, subs_ - base);
      auto args = Common(w);
      args.insert(args.begin(), "worker");
      args.insert(args.end(), {"--role", "sub", "--proto", a_.Str("proto", "ws"), "--conns", std::to_string(n),
                               "--index-base", std::to_string(base), "--filter-mod", std::to_string(filter_mod_),
                               "--subscribe", name_ == "idle" ? a_.Str("idle-subscribe", "0") : "1"});
      subs_kids_.push_back(Spawn(exe_, args));
      base += n;
    }
    uint64_t ok = 0, failed = 0;
    int timeout = 60000 + int(subs_) * 5;
    for (auto& k : subs_kids_) {
      std::istringstream in(Expect(k, "READY", timeout));
      std::string tag;
      uint64_t o = 0, f = 0;
      in >> tag >> o >> f;
      if (tag.empty()) f = 1;
      ok += o, failed += f;
    }
    if (failed) first_error_ = SnapAll(subs_kids_).first_error;
    return {ok, failed};
  }

  bool StartPublisher(std::ostringstream& json) {
    std::vector<std::string> args = Common(procs_);
    args.insert(args.begin(), "worker");
    if (name_ == "docs") {
      args.insert(args.end(), {"--role", "http", "--conns", a_.Str("pubs", "4"), "--docs", a_.Str("docs", "0"), "--doc-prefix", a_.Str("doc-prefix", "doc"),
                               "--service", a_.Str("service", "bench")});
    } else {
      std::string pace = a_.Str("pace", name_ == "many-topics" ? "ack" : "echo");
      args.insert(args.end(), {"--role", "pub", "--proto", a_.Str("pub-proto", a_.Str("proto", "ws")), "--conns",
                               a_.Str("pubs", "4"), "--pace", pace, "--window", a_.Str("window", "32"),
                               "--filter-mod", std::to_string(filter_mod_)});
    }
    pubs_.push_back(Spawn(exe_, args));
    std::istringstream in(Expect(pubs_[0], "READY", 60000));
    std::string tag, note;
    uint64_t o = 0, f = 0;
    in >> tag >> o >> f;
    std::getline(in, note);
    if (tag.empty() || o == 0) {
      if (note.size() > 1) note = note.substr(1);
      std::string why = note.rfind("SKIP", 0) == 0 ? note : "publisher not ready: " + note + " " + SnapAll(pubs_).first_error;
      std::cout << "loadgen: " << name_ << ": " << why << "\n";
      json << ",\"skipped\":" << J(why);
      return false;
    }
    return true;
  }

  Window Measure(double rate) {
    std::vector<Child*> everyone;
    for (auto& k : subs_kids_) everyone.push_back(&k);
    for (auto& k : pubs_) everyone.push_back(&k);
    All(pubs_, "GO " + std::to_string(rate), "");
    Sleep(a_.Int("warmup-ms", 2000));
    All(subs_kids_, "RESET", "OK");
    Snap s0 = SnapAll(subs_kids_), p0 = SnapAll(pubs_);
    uint64_t c0 = server_pid_.empty() ? 0 : CpuTicks(server_pid_), m0 = MachineBusyTicks();
    auto t0 = std::chrono::steady_clock::now();
    Sleep(a_.Int("duration-ms", 10000));
    Snap s1 = SnapAll(subs_kids_), p1 = SnapAll(pubs_);
    uint64_t c1 = server_pid_.empty() ? 0 : CpuTicks(server_pid_), m1 = MachineBusyTicks();
    Window w;
    w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    w.delivered_per_s = double(s1.received - s0.received) / w.seconds;
    w.published_per_s = double(p1.sent - p0.sent) / w.seconds;
    w.server_cpu = double(c1 - c0) / TicksPerSecond() / w.seconds * 100;
    w.loadgen_cpu = double((s1.cpu - s0.cpu) + (p1.cpu - p0.cpu)) / TicksPerSecond() / w.seconds * 100;
    // Everything else the machine ran meanwhile (other users' builds and tests): noise indicator.
    w.other_cpu = std::max(0.0, double(m1 - m0) / TicksPerSecond() / w.seconds * 100 - w.server_cpu - w.loadgen_cpu);
    w.errors = (s1.errors + p1.errors) - (s0.errors + p0.errors);
    w.closed = (s1.closed + p1.closed) - (s0.closed + p0.closed);
    w.hist = s1.hist;
    w.first_error = !s1.first_error.empty() ? s1.first_error : p1.first_error;
    if (name_ == "docs") w.ack_hist = p1.hist;
    return w;
  }

  void Report(std::ostringstream& json, const std::string& pfx, const Window& w) {
    double fan = name_ == "many-topics" ? double(subs_) / double(topics_)
                 : filter_mod_        ? double(subs_) / double(filter_mod_)
                 : name_ == "docs"    ? double(subs_)
                                      : double(subs_);
    double expected = w.published_per_s * fan;
    std::printf("loadgen: %s%s: %.0f publishes/s, %.0f deliveries/s (%.1f%% of expected), latency us p50 %llu p99 %llu "
                "p99.9 %llu max %llu, errors %llu, closed %llu, server CPU %.0f%%, loadgen CPU %.0f%%, others %.0f%%\n",
                pfx.c_str(), name_.c_str(), w.published_per_s, w.delivered_per_s,
                expected > 0 ? 100.0 * w.delivered_per_s / expected : 0.0, (unsigned long long)w.hist.Quantile(0.5),
                (unsigned long long)w.hist.Quantile(0.99), (unsigned long long)w.hist.Quantile(0.999),
                (unsigned long long)w.hist.max(), (unsigned long long)w.errors, (unsigned long long)w.closed,
                w.server_cpu, w.loadgen_cpu, w.other_cpu);
    if (!w.first_error.empty()) std::cout << "loadgen: first error: " << w.first_error << "\n";
    std::fflush(stdout);
    json << ",\"" << pfx << "published_per_s\":" << w.published_per_s << ",\"" << pfx
         << "delivered_per_s\":" << w.delivered_per_s << ",\"" << pfx << "expected_per_s\":" << expected << ",\""
         << pfx << "p50_us\":" << w.hist.Quantile(0.5) << ",\"" << pfx << "p99_us\":" << w.hist.Quantile(0.99)
         << ",\"" << pfx << "p999_us\":" << w.hist.Quantile(0.999) << ",\"" << pfx << "max_us\":" << w.hist.max()
         << ",\"" << pfx << "samples\":" << w.hist.count() << ",\"" << pfx << "errors\":" << w.errors << ",\""
         << pfx << "closed\":" << w.closed << ",\"" << pfx << "server_cpu_pct\":" << w.server_cpu << ",\"" << pfx
         << "loadgen_cpu_pct\":" << w.loadgen_cpu << ",\"" << pfx << "other_cpu_pct\":" << w.other_cpu << ",\"" << pfx
         << "seconds\":" << w.seconds;
    if (name_ == "docs") {
      std::printf("loadgen: docs: write acknowledged (HTTP response) us p50 %llu p99 %llu p99.9 %llu max %llu\n",
                  (unsigned long long)w.ack_hist.Quantile(0.5), (unsigned long long)w.ack_hist.Quantile(0.99),
                  (unsigned long long)w.ack_hist.Quantile(0.999), (unsigned long long)w.ack_hist.max());
      json << ",\"" << pfx << "ack_p50_us\":" << w.ack_hist.Quantile(0.5) << ",\"" << pfx
           << "ack_p99_us\":" << w.ack_hist.Quantile(0.99) << ",\"" << pfx << "ack_max_us\":" << w.ack_hist.max();
    }
    if (!w.first_error.empty()) json << ",\"" << pfx << "first_error\":" << J(w.first_error);
  }

  int Finish(std::ostringstream& json, bool ok) {
    for (auto* group : {&pubs_, &subs_kids_})
      for (auto& k : *group) Send(k, "QUIT");
    for (auto* group : {&pubs_, &subs_kids_})
      for (auto& k : *group) {
        int status = 0;
        for (int i = 0; i < 100 && waitpid(k.pid, &status, WNOHANG) == 0; ++i) Sleep(50);
        if (waitpid(k.pid, &status, WNOHANG) == 0) {
          kill(k.pid, SIGKILL);
          waitpid(k.pid, &status, 0);
        }
        close(k.to), close(k.from);
      }
    json << ",\"ok\":" << (ok ? "true" : "false") << "}";
    std::cout << "RESULT " << json.str() << std::endl;
    return ok ? 0 : 1;
  }

  const Args& a_;
  const char* exe_;
  std::string name_, server_pid_, first_error_;
  long long subs_ = 0, topics_ = 1, filter_mod_ = 0;
  uint32_t procs_ = 2;
  int salt_ = 20;
  std::vector<Child> subs_kids_, pubs_;
};

}  // namespace

int RunScenario(const Args& args, const char* self_exe) {
  signal(SIGPIPE, SIG_IGN);
  Scenario s(args, self_exe);
  return s.Run();
}

}  // namespace loadgen
