// `commentd serve`: the comment server. Reads a TOML config (every key also a
// flag; flags win), opens the store (SQLite, or PostgreSQL when --db is a
// postgresql:// URL), builds the engine and the comment services, starts the
// HTTP server and prints
//   commentd listening on http://HOST:PORT
// once it accepts connections (the real port when --listen asks for port 0).
// SIGINT/SIGTERM stop accepting, drain in-flight requests and exit 0.
// Exit status 2 for a bad flag or config (naming the key) or a setup failure.
//
// Config keys (all optional):
//   site_name = "Example News"          listen = "127.0.0.1:8080"
//   db = "var/commentd.db"              policy = "policy.toml"   models = "models"
//   allowed_origins = ["https://news.example.com"]
//   trusted_proxies = ["127.0.0.1"]     (their X-Forwarded-For names the client)
//   rate_limit = true                   threads = 0 (one per core)
//   blocking_threads = 32 (run posts and other writes off the I/O threads; 0: on them)
//   policy_refresh_ms = 1000 (how often to look for a policy set on another node)
//   metrics_token = "..." (GET /metrics with "Authorization: Bearer ..."; without it,
//                          only loopback peers may read /metrics)
//   public_url = "https://comments.example.com"  (where readers reach commentd)
//   secure_cookie = true  (session cookie only over HTTPS; default: public_url is https)
//   ip_key_file = "var/commentd.db.ip-key"  (the IP hash key, mode 0600; default:
//                 beside the SQLite database, or $STATE_DIRECTORY / the working
//                 directory with PostgreSQL)
//   ip_key_rotation_hours = 24          ipv6_prefix_bits = 64 (an IPv6 client is its /64)
//   [limits]  max_body_bytes = 65536    max_comment_bytes = 5000
//             posts_per_minute = 10     posts_burst = 5   (per IP and per author)
//             max_connections = 4096    (at most half the file limit)
//             max_connections_per_address = 64 (0: no cap)
//             page_cache_bytes = 33554432 (rendered thread pages; 0: no cache)
// At start the soft RLIMIT_NOFILE is raised to the hard limit.
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <toml.hpp>

#include "base/mutex.h"
#include "cli/commands.h"
#include "cli/engine_loader.h"
#include "cli/flags.h"
#include "comments/services.h"
#include "http/server.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace commentd::cli {
namespace {

// The demo article's thread (web/index.html).
constexpr std::string_view kDemoThread = "demo-helong-workers";

struct ServeFlags {
  std::string config_path;
  std::string listen = "127.0.0.1:8080";
  std::string db = "commentd.db";
  std::string site_name = "commentd";
  std::vector<std::string> allowed_origins;
  std::vector<std::string> trusted_proxies;
  std::string rate_limit = "on";
  size_t threads = 0;
  size_t blocking_threads = http::ServerOptions{}.blocking_threads;
  size_t policy_refresh_ms = 1000;
  std::string public_url;
  std::string secure_cookie;  // "on", "off" or empty: on when public_url is https
  std::string ip_key_file;    // empty: the default beside the database
  size_t ip_key_rotation_hours = 24;
  size_t ipv6_prefix_bits = 64;
  size_t max_body_bytes = 64 * 1024;
  size_t max_comment_bytes = 5000;
  double posts_per_minute = 10;
  double posts_burst = 5;
  size_t max_connections = http::ServerOptions{}.max_connections;
  size_t max_connections_per_address = http::ServerOptions{}.max_connections_per_address;
  size_t page_cache_bytes = http::ApiOptions{}.page_cache_bytes;
  std::string metrics_token;
  bool demo = false;
  EngineOptions engine;
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:0", "localhost:80".
base::Result<HostPort> ParseListen(std::string_view s, std::string_view where) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return base::InvalidArgumentError("{}: \"{}\" is not HOST:PORT (e.g. 127.0.0.1:8080)", where,
                                      s);
  }
  std::string_view host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  for (char c : s.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return base::InvalidArgumentError("{}: port in \"{}\" must be a number 0..65535", where, s);
    }
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) {
    return base::InvalidArgumentError("{}: port in \"{}\" must be a number 0..65535", where, s);
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

// Config values for keys whose flag was not given on the command line.
class ConfigReader {
 public:
  ConfigReader(const CLI::App& command, std::string source)
      : command_(command), source_(std::move(source)) {}

  bool FlagGiven(const std::string& flag) const { return command_.get_option(flag)->count() > 0; }

  base::Status String(const toml::value& table, const std::string& key, const std::string& flag,
                      std::string* out) const {
    if (!table.contains(key) || FlagGiven(flag)) return base::OkStatus();
    const toml::value& v = table.at(key);
    if (!v.is_string()) return TypeError(key, "a string", v);
    *out = v.as_string().str;
    return base::OkStatus();
  }

  base::Status Size(const toml::value& table, const std::string& key, const std::string& flag,
                    size_t* out) const {
    if (!table.contains(key) || FlagGiven(flag)) return base::OkStatus();
    const toml::value& v = table.at(key);
    if (!v.is_integer() || v.as_integer() < 0) return TypeError(key, "a non-negative integer", v);
    *out = static_cast<size_t>(v.as_integer());
    return base::OkStatus();
  }

  base::Status Number(const toml::value& table, const std::string& key, const std::string& flag,
                      double* out) const {
    if (!table.contains(key) || FlagGiven(flag)) return base::OkStatus();
    const toml::value& v = table.at(key);
    if (v.is_integer() && v.as_integer() > 0) {
      *out = static_cast<double>(v.as_integer());
    } else if (v.is_floating() && v.as_floating() > 0) {
      *out = v.as_floating();
    } else {
      return TypeError(key, "a positive number", v);
    }
    return base::OkStatus();
  }

  base::Status Bool(const toml::value& table, const std::string& key, const std::string& flag,
                    std::string* on_off) const {
    if (!table.contains(key) || FlagGiven(flag)) return base::OkStatus();
    const toml::value& v = table.at(key);
    if (!v.is_boolean()) return TypeError(key, "true or false", v);
    *on_off = v.as_boolean() ? "on" : "off";
    return base::OkStatus();
  }

  base::Status StringArray(const toml::value& table, const std::string& key,
                           const std::string& flag, std::vector<std::string>* out) const {
    if (!table.contains(key) || FlagGiven(flag)) return base::OkStatus();
    const toml::value& v = table.at(key);
    if (!v.is_array()) return TypeError(key, "an array of strings", v);
    out->clear();
    for (const toml::value& e : v.as_array()) {
      if (!e.is_string()) return TypeError(key, "an array of strings", v);
      out->push_back(e.as_string().str);
    }
    return base::OkStatus();
  }

  base::Status UnknownKeys(const toml::value& table, std::string_view prefix,
                           std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : table.as_table()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return base::InvalidArgumentError("{}: unknown key '{}{}' (line {})", source_, prefix, key,
                                          value.location().line());
      }
    }
    return base::OkStatus();
  }

 private:
  base::Status TypeError(const std::string& key, std::string_view want,
                         const toml::value& v) const {
    return base::InvalidArgumentError("{}: key '{}' must be {} (line {})", source_, key, want,
                                      v.location().line());
  }

  const CLI::App& command_;
  std::string source_;
};

base::Status ApplyConfig(const CLI::App& command, ServeFlags& flags) {
  std::ifstream in(flags.config_path, std::ios::binary);
  if (!in) return base::InvalidArgumentError("cannot read config file {}", flags.config_path);
  toml::value root;
  try {
    root = toml::parse(in, flags.config_path);
  } catch (const std::exception& e) {
    return base::InvalidArgumentError("config {} is not valid TOML: {}", flags.config_path,
                                      e.what());
  }
  const ConfigReader c(command, flags.config_path);
  COMMENTD_RETURN_IF_ERROR(c.UnknownKeys(
      root, "",
      {"site_name", "listen", "db", "policy", "models", "allowed_origins", "trusted_proxies",
       "rate_limit", "threads", "blocking_threads", "policy_refresh_ms", "limits", "metrics_token",
       "public_url", "secure_cookie", "ip_key_file", "ip_key_rotation_hours", "ipv6_prefix_bits"}));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "site_name", "--site-name", &flags.site_name));
  COMMENTD_RETURN_IF_ERROR(
      c.String(root, "metrics_token", "--metrics-token", &flags.metrics_token));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "listen", "--listen", &flags.listen));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "db", "--db", &flags.db));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "policy", "--policy", &flags.engine.policy_path));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "models", "--models", &flags.engine.models_dir));
  COMMENTD_RETURN_IF_ERROR(
      c.StringArray(root, "allowed_origins", "--allowed-origin", &flags.allowed_origins));
  COMMENTD_RETURN_IF_ERROR(
      c.StringArray(root, "trusted_proxies", "--trusted-proxy", &flags.trusted_proxies));
  COMMENTD_RETURN_IF_ERROR(c.Bool(root, "rate_limit", "--rate-limit", &flags.rate_limit));
  COMMENTD_RETURN_IF_ERROR(c.Size(root, "threads", "--threads", &flags.threads));
  COMMENTD_RETURN_IF_ERROR(
      c.Size(root, "blocking_threads", "--blocking-threads", &flags.blocking_threads));
  COMMENTD_RETURN_IF_ERROR(
      c.Size(root, "policy_refresh_ms", "--policy-refresh-ms", &flags.policy_refresh_ms));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "public_url", "--public-url", &flags.public_url));
  COMMENTD_RETURN_IF_ERROR(c.Bool(root, "secure_cookie", "--secure-cookie", &flags.secure_cookie));
  COMMENTD_RETURN_IF_ERROR(c.String(root, "ip_key_file", "--ip-key-file", &flags.ip_key_file));
  COMMENTD_RETURN_IF_ERROR(c.Size(root, "ip_key_rotation_hours", "--ip-key-rotation-hours",
                                  &flags.ip_key_rotation_hours));
  COMMENTD_RETURN_IF_ERROR(
      c.Size(root, "ipv6_prefix_bits", "--ipv6-prefix-bits", &flags.ipv6_prefix_bits));
  if (root.contains("limits")) {
    const toml::value& limits = root.at("limits");
    if (!limits.is_table()) {
      return base::InvalidArgumentError("{}: key 'limits' must be a table", flags.config_path);
    }
    COMMENTD_RETURN_IF_ERROR(
        c.UnknownKeys(limits, "limits.",
                      {"max_body_bytes", "max_comment_bytes", "posts_per_minute", "posts_burst",
                       "max_connections", "max_connections_per_address", "page_cache_bytes"}));
    COMMENTD_RETURN_IF_ERROR(
        c.Size(limits, "max_body_bytes", "--max-body-bytes", &flags.max_body_bytes));
    COMMENTD_RETURN_IF_ERROR(
        c.Size(limits, "max_comment_bytes", "--max-comment-bytes", &flags.max_comment_bytes));
    COMMENTD_RETURN_IF_ERROR(
        c.Number(limits, "posts_per_minute", "--posts-per-minute", &flags.posts_per_minute));
    COMMENTD_RETURN_IF_ERROR(c.Number(limits, "posts_burst", "--posts-burst", &flags.posts_burst));
    COMMENTD_RETURN_IF_ERROR(
        c.Size(limits, "max_connections", "--max-connections", &flags.max_connections));
    COMMENTD_RETURN_IF_ERROR(c.Size(limits, "max_connections_per_address",
                                    "--max-connections-per-address",
                                    &flags.max_connections_per_address));
    COMMENTD_RETURN_IF_ERROR(
        c.Size(limits, "page_cache_bytes", "--page-cache-bytes", &flags.page_cache_bytes));
  }
  return base::OkStatus();
}

// The IP key file when none is configured: beside a SQLite database (so a
// backup of the directory has both; docs/deploying.md), or for PostgreSQL
// in systemd's $STATE_DIRECTORY, else the working directory.
std::string DefaultIpKeyFile(const std::string& db) {
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
    const char* state = std::getenv("STATE_DIRECTORY");
    const std::string dir = state != nullptr && *state != '\0' ? std::string(state) : ".";
    return dir.substr(0, dir.find(':')) + "/commentd-ip.key";
  }
  return db + ".ip-key";
}

// Seeds the demo article's thread with a few comments (each moderated like
// any other) when it has none, so `./dev run` shows a live thread.
base::Status EnsureDemoThread(comments::CommentService& service) {
  COMMENTD_ASSIGN_OR_RETURN(auto counts, service.Counts({std::string(kDemoThread)}));
  if (counts[std::string(kDemoThread)] > 0) return base::OkStatus();
  const struct {
    const char* author;
    const char* text;
    const char* lang;
  } kSeeds[] = {
      {"Reader in Seoul", "Thank you for following this story. Who inspects the factories?", "en"},
      {"editor_kim", "좋은 기사 감사합니다. 후속 보도 기대합니다.", "ko"},
      {"Visitor", "Great reporting, I hope the workers get paid what they are owed.", "en"},
  };
  for (const auto& seed : kSeeds) {
    comments::PostRequest req;
    req.thread = std::string(kDemoThread);
    req.author = seed.author;
    req.text = seed.text;
    req.lang = seed.lang;
    COMMENTD_ASSIGN_OR_RETURN(auto posted, service.Post(req));
    (void)posted;
  }
  return base::OkStatus();
}

// Services are often started with a soft limit of 1024 open files and a far
// higher hard limit; the connection cap is derived from the soft one.
// Tells the policy refresher to stop, waking it from its wait. Thread-safe.
class StopFlag {
 public:
  // Waits up to `timeout` for Stop(); true once stopped.
  bool WaitFor(std::chrono::milliseconds timeout) EXCLUDES(mu_) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    base::MutexLock lock(&mu_);
    while (!stopped_ && cv_.WaitUntil(&mu_, deadline)) {
    }
    return stopped_;
  }
  void Stop() EXCLUDES(mu_) {
    {
      base::MutexLock lock(&mu_);
      stopped_ = true;
    }
    cv_.SignalAll();
  }

 private:
  base::Mutex mu_;
  base::CondVar cv_;
  bool stopped_ GUARDED_BY(mu_) = false;
};

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    fmt::print(stderr, "commentd: cannot raise the open file limit from {}: {}\n", before,
               std::strerror(errno));
  }
}

int Serve(const CLI::App& command, ServeFlags flags) {
  auto fail = [](const base::Status& s) {
    fmt::print(stderr, "commentd serve: {}\n", s.message());
    return 2;
  };
  if (!flags.config_path.empty()) {
    base::Status s = ApplyConfig(command, flags);
    if (!s.ok()) return fail(s);
  }
  auto listen = ParseListen(flags.listen, "listen");
  if (!listen.ok()) return fail(listen.status());
  if (flags.rate_limit != "on" && flags.rate_limit != "off") {
    return fail(
        base::InvalidArgumentError("rate_limit: expected on or off, got \"{}\"", flags.rate_limit));
  }
  if (flags.max_body_bytes == 0 || flags.max_comment_bytes == 0) {
    return fail(base::InvalidArgumentError(
        "limits.max_body_bytes and limits.max_comment_bytes must be positive"));
  }

  if (flags.policy_refresh_ms < 10 || flags.policy_refresh_ms > 3600 * 1000) {
    return fail(base::InvalidArgumentError("policy_refresh_ms: must be 10..3600000, got {}",
                                           flags.policy_refresh_ms));
  }
  if (flags.ip_key_rotation_hours < 1 || flags.ip_key_rotation_hours > 8784) {
    return fail(base::InvalidArgumentError("ip_key_rotation_hours: must be 1..8784, got {}",
                                           flags.ip_key_rotation_hours));
  }
  if (flags.ipv6_prefix_bits < 16 || flags.ipv6_prefix_bits > 128) {
    return fail(base::InvalidArgumentError("ipv6_prefix_bits: must be 16..128, got {}",
                                           flags.ipv6_prefix_bits));
  }
  if (!flags.public_url.empty() && flags.public_url.rfind("https://", 0) != 0 &&
      flags.public_url.rfind("http://", 0) != 0) {
    return fail(base::InvalidArgumentError("public_url: \"{}\" must start with https:// or http://",
                                           flags.public_url));
  }
  if (flags.blocking_threads > 1024) {
    return fail(base::InvalidArgumentError("blocking_threads: must be 0..1024, got {}",
                                           flags.blocking_threads));
  }

  if (flags.metrics_token.size() > 0 && flags.metrics_token.size() < 16) {
    return fail(base::InvalidArgumentError("metrics_token: must be at least 16 characters, got {}",
                                           flags.metrics_token.size()));
  }
  RaiseFileLimit();

  // Block the stop signals before any thread exists (the store starts its
  // own, e.g. SqliteStore's checkpointer), so that they are delivered only
  // to sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto engine = LoadEngine(flags.engine);
  if (!engine.ok()) return fail(engine.status());
  // --db postgresql://... (or postgres://) picks PostgresStore, with one
  // connection per I/O and blocking thread plus one for work outside
  // requests; anything else is a SQLite file.
  std::shared_ptr<comments::Store> shared_store;
  if (flags.db.rfind("postgresql://", 0) == 0 || flags.db.rfind("postgres://", 0) == 0) {
    const size_t workers =
        flags.threads > 0 ? flags.threads : std::max(1u, std::thread::hardware_concurrency());
    const int pool_size =
        static_cast<int>(std::min<size_t>(workers + flags.blocking_threads + 1, 1000));
    auto store = store::PostgresStore::Open(flags.db, pool_size);
    // The URL may hold a password: name the backend, not the URL.
    if (!store.ok()) return fail(store.status().WithContext("db (PostgreSQL)"));
    shared_store = std::move(*store);
  } else {
    auto store = store::SqliteStore::Create(flags.db);
    if (!store.ok()) return fail(store.status().WithContext(fmt::format("db {}", flags.db)));
    shared_store = std::move(*store);
  }
  auto clock = std::make_shared<base::SystemClock>();
  comments::ServiceOptions service_options;
  service_options.max_text_bytes = flags.max_comment_bytes;
  service_options.ip_key_file =
      flags.ip_key_file.empty() ? DefaultIpKeyFile(flags.db) : flags.ip_key_file;
  service_options.ip_key_period = std::chrono::hours(flags.ip_key_rotation_hours);
  // Readers may not post as the site (nor as a look-alike of its name).
  service_options.reserved_names = {"commentd", flags.site_name};
  auto made = comments::Services::Create(std::move(shared_store), clock, *engine, service_options);
  if (!made.ok()) return fail(made.status());
  const comments::Services services = *std::move(made);
  // A policy a moderator set through the API (kept in the database) wins
  // over --policy: every node of a site runs the newest revision, checked
  // every policy_refresh_ms.
  const std::shared_ptr<const moderation::Moderator> base_engine = *engine;
  services.policy->SetEngineFactory(
      [base_engine](const moderation::Policy& policy)
          -> base::Result<std::shared_ptr<const moderation::Moderator>> {
        return base_engine->WithPolicy(policy);
      });
  if (auto revision = services.policy->RefreshPolicy(); !revision.ok()) {
    return fail(revision.status().WithContext("policy from the database"));
  } else if (*revision > 0) {
    fmt::print(stderr, "commentd: policy revision {} from the database is in force ({})\n",
               *revision, services.policy->engine()->policy().version);
  }
  if (flags.demo) {
    base::Status s = EnsureDemoThread(*services.comments);
    if (!s.ok()) return fail(s.WithContext("--demo"));
  }

  http::ServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.threads = flags.threads;
  options.blocking_threads = flags.blocking_threads;
  options.allowed_origins = flags.allowed_origins;
  auto trusted = http::TrustedProxies::Create(flags.trusted_proxies);
  if (!trusted.ok()) return fail(trusted.status().WithContext("trusted_proxies"));
  options.trusted_proxies = std::move(*trusted);
  options.ipv6_prefix_bits = static_cast<int>(flags.ipv6_prefix_bits);
  options.max_body_bytes = flags.max_body_bytes;
  options.max_connections = flags.max_connections;
  options.max_connections_per_address = flags.max_connections_per_address;
  options.api.metrics_token = flags.metrics_token;
  options.api.page_cache_bytes = flags.page_cache_bytes;
  options.api.site_name = flags.site_name;
  options.api.rate_limit = flags.rate_limit == "on";
  options.api.post_per_ip = {flags.posts_burst, flags.posts_per_minute};
  options.api.post_per_author = {flags.posts_burst, flags.posts_per_minute};
  options.api.session_ttl = service_options.session_ttl;
  // Behind an HTTPS proxy the browser must send the session cookie only
  // over HTTPS; the public URL says whether readers arrive that way.
  options.api.secure_cookie = flags.secure_cookie.empty()
                                  ? flags.public_url.rfind("https://", 0) == 0
                                  : flags.secure_cookie == "on";

  auto server = http::Server::Start(options, services, clock);
  if (!server.ok()) return fail(server.status());
  fmt::print("commentd listening on {}\n", (*server)->url());
  std::fflush(stdout);
  // After the line above: scripts and tests read it as the first line.
  fmt::print(stderr, "commentd: IP addresses are hashed under the key in {} (rotated every {} h)\n",
             service_options.ip_key_file, flags.ip_key_rotation_hours);

  // Follows policy changes made on other nodes.
  StopFlag refresh_stop;
  std::thread refresher([&] {
    std::string last_error;  // each failure is logged once, not every interval
    std::string last_key_error;
    while (!refresh_stop.WaitFor(std::chrono::milliseconds(flags.policy_refresh_ms))) {
      auto revision = services.policy->RefreshPolicy();
      const std::string error = revision.ok() ? "" : revision.status().ToString();
      if (!error.empty() && error != last_error) {
        fmt::print(stderr, "commentd: policy refresh failed (will retry): {}\n", error);
      }
      last_error = error;
      // A rotation that could not be written leaves an older key on disk
      // than needed (docs/security.md); say so once per failure.
      const base::Status key_file = services.hasher->ip_key_file_status();
      const std::string key_error = key_file.ok() ? "" : key_file.ToString();
      if (!key_error.empty() && key_error != last_key_error) {
        fmt::print(stderr, "commentd: IP key rotation not saved (retried next period): {}\n",
                   key_error);
      }
      last_key_error = key_error;
    }
  });

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  refresh_stop.Stop();
  refresher.join();
  fmt::print(stderr, "commentd: {} received, draining requests\n",
             signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  fmt::print(stderr, "commentd: stopped\n");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Serve comment threads and the moderator API over HTTP");
  cmd->add_option("--config", flags->config_path, "TOML config file (flags override its keys)");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  cmd->add_option("--db", flags->db, "SQLite database file, or postgresql://USER@HOST:PORT/DB")
      ->capture_default_str();
  cmd->add_option("--site-name", flags->site_name, "The publisher's name");
  cmd->add_option("--allowed-origin", flags->allowed_origins,
                  "Origin whose pages may call the reader API (repeatable)");
  cmd->add_option("--trusted-proxy", flags->trusted_proxies,
                  "Proxy address or network whose X-Forwarded-For names the client (repeatable)");
  cmd->add_option("--rate-limit", flags->rate_limit, "on|off: per-IP and per-author limits")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "I/O worker threads (0: one per core)");
  cmd->add_option("--blocking-threads", flags->blocking_threads,
                  "Threads running posts and other writes, which wait for the disk "
                  "(0: run them on the I/O threads)")
      ->capture_default_str();
  cmd->add_option("--policy-refresh-ms", flags->policy_refresh_ms,
                  "How often to look in the database for a policy set on another node")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "Largest request body (413 above)")
      ->capture_default_str();
  cmd->add_option("--max-comment-bytes", flags->max_comment_bytes, "Longest comment text")
      ->capture_default_str();
  cmd->add_option("--posts-per-minute", flags->posts_per_minute,
                  "Sustained comments per minute per IP and per author");
  cmd->add_option("--posts-burst", flags->posts_burst,
                  "Comments allowed at once per IP and author");
  cmd->add_option("--max-connections", flags->max_connections,
                  "Connections open at once (at most half the open file limit)")
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", flags->max_connections_per_address,
                  "Connections open at once from one client address (0: no cap)")
      ->capture_default_str();
  cmd->add_option("--page-cache-bytes", flags->page_cache_bytes,
                  "Memory for rendered thread pages (0: no cache)")
      ->capture_default_str();
  cmd->add_option("--metrics-token", flags->metrics_token,
                  "Bearer token that may read /metrics from any address (else loopback only)");
  cmd->add_option("--public-url", flags->public_url,
                  "Where readers reach commentd (https:// turns the Secure cookie on)");
  cmd->add_option("--secure-cookie", flags->secure_cookie,
                  "on|off: send the session cookie only over HTTPS (default: public URL is https)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--ip-key-file", flags->ip_key_file,
                  "File holding the key that hashes IP addresses (mode 0600; default: beside the "
                  "SQLite database)");
  cmd->add_option("--ip-key-rotation-hours", flags->ip_key_rotation_hours,
                  "Replace the IP hash key every so many hours (1..8784)")
      ->capture_default_str();
  cmd->add_option("--ipv6-prefix-bits", flags->ipv6_prefix_bits,
                  "Rate limits and bans treat an IPv6 network of this prefix as one client")
      ->capture_default_str();
  cmd->add_flag("--demo", flags->demo, "Ensure the demo article's thread has comments");
  AddEngineFlags(*cmd, flags->engine);
  cmd->callback([cmd, flags, &exit_code] { exit_code = Serve(*cmd, *flags); });
}

}  // namespace commentd::cli
