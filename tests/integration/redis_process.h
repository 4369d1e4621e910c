// RedisProcess: a private redis-server child process for tests that must kill and restart Redis
// (never the shared test service). Loopback only, no persistence, on a free port chosen once
// so that a restart comes back on the same port.
//
// Lifetime: the destructor kills the child (SIGKILL) and reaps it. Not thread-safe: use it from
// the test's thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace rt::testing {

// Sends one command as an argument vector (binary-safe); the caller frees the reply (null: no reply).
inline redisReply* CommandArgv(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
}

class RedisProcess {
 public:
  // extra: more redis-server arguments, e.g. {"--requirepass", "pw"}.
  explicit RedisProcess(std::vector<std::string> extra = {}) : extra_(std::move(extra)), port_(FreePort()) {}
  ~RedisProcess() { Kill(); }
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  // Whether redis-server is on PATH.
  static bool Available() { return std::system("command -v redis-server >/dev/null 2>&1") == 0; }

  // Spawns the server and waits (up to 10 s) until it accepts connections.
  bool Start() {
    std::string dir = std::filesystem::temp_directory_path().string();
    std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1"};
    for (const char* a : {"--save", "", "--appendonly", "no", "--loglevel", "warning", "--dir"}) args.push_back(a);
    args.push_back(dir);
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid_, "redis-server", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    return WaitReady(std::chrono::seconds(10));
  }

  // SIGKILL (no clean shutdown, as a crash would be) and reap.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  int port() const { return port_; }

  // Runs one command (after AUTH when password is set); returns the reply as text or "ERR...".
  std::string Command(const std::vector<std::string>& args, const std::string& password = "") {
    redisContext* c = redisConnect("127.0.0.1", port_);
    if (!c || c->err) {
      if (c) redisFree(c);
      return "ERR connect";
    }
    std::string out = "ERR no reply";
    if (password.empty() || Run(c, {"AUTH", password}).rfind("ERR", 0) != 0) out = Run(c, args);
    redisFree(c);
    return out;
  }

 private:
  static std::string Run(redisContext* c, const std::vector<std::string>& args) {
    redisReply* r = CommandArgv(c, args);
    if (!r) return "ERR no reply";
    std::string out = r->type == REDIS_REPLY_ERROR ? "ERR " + std::string(r->str, r->len)
                      : r->str                     ? std::string(r->str, r->len)
                                                   : std::to_string(r->integer);
    freeReplyObject(r);
    return out;
  }

  bool WaitReady(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      timeval tv{0, 200000};
      redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
      bool ok = c && !c->err;
      if (c) redisFree(c);
      if (ok) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // A port nobody listens on right now (the kernel's pick for port 0).
  static int FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  std::vector<std::string> extra_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace rt::testing
