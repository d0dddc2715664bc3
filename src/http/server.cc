#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <restinio/all.hpp>
#include <thread>

#include "base/mutex.h"
#include "http/request_target.h"
#include "http/static_assets.h"
#include "http/status_to_http.h"

namespace commentd::http {

// web/ embedded by cmake/embed.cmake (src/http/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> WebFiles();

namespace {

using Router = restinio::router::express_router_t<>;
namespace asio = restinio::asio_ns;

// Counts the open connections of each client address (from RESTinio's
// connection notices) and refuses a new connection from an address already
// at its cap, so one client cannot take every connection slot. Trusted
// proxies, which carry many readers, are exempt. The count can run over the
// cap by the few accepts already under way when it is reached. Thread-safe.
class ConnectionGate {
 public:
  ConnectionGate(size_t per_address, const TrustedProxies* trusted)
      : per_address_(per_address), trusted_(trusted) {}

  // RESTinio's IP blocker hook: runs on the acceptor before a connection is made.
  restinio::ip_blocker::inspection_result_t inspect(
      const restinio::ip_blocker::incoming_info_t& info) noexcept {
    if (per_address_ == 0) return restinio::ip_blocker::allow();
    const asio::ip::address address = info.remote_endpoint().address();
    {
      base::MutexLock lock(&mu_);
      const auto it = open_.find(address);
      if (it == open_.end() || it->second < per_address_) return restinio::ip_blocker::allow();
    }
    try {
      if (trusted_->Trusts(address.to_string())) return restinio::ip_blocker::allow();
    } catch (const std::exception&) {
      // Cannot tell: refuse, as for any address at its cap.
    }
    return restinio::ip_blocker::deny();
  }

  // RESTinio's connection state listener: every accepted connection is
  // counted until its closed notice.
  void state_changed(const restinio::connection_state::notice_t& notice) noexcept {
    const auto cause = notice.cause();
    base::MutexLock lock(&mu_);
    try {
      if (restinio::get_if<restinio::connection_state::accepted_t>(&cause) != nullptr) {
        const asio::ip::address address = notice.remote_endpoint().address();
        by_connection_[notice.connection_id()] = address;
        ++open_[address];
      } else if (restinio::get_if<restinio::connection_state::closed_t>(&cause) != nullptr) {
        const auto it = by_connection_.find(notice.connection_id());
        if (it == by_connection_.end()) return;
        const auto open = open_.find(it->second);
        if (open != open_.end() && --open->second == 0) open_.erase(open);
        by_connection_.erase(it);
      }
    } catch (const std::exception&) {
      // Out of memory while counting: that connection goes uncounted.
    }
  }

 private:
  const size_t per_address_;
  const TrustedProxies* const trusted_;  // owned by the Server, which outlives this
  base::Mutex mu_;
  std::map<asio::ip::address, size_t> open_ GUARDED_BY(mu_);
  std::map<restinio::connection_id_t, asio::ip::address> by_connection_ GUARDED_BY(mu_);
};

struct Traits
    : restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, Router> {
  static constexpr bool use_connection_count_limiter = true;
  using ip_blocker_t = ConnectionGate;
  using connection_state_listener_t = ConnectionGate;
};
using HttpServer = restinio::http_server_t<Traits>;

// The connection cap in force: `wanted` (0: no wish), at most half the soft
// file limit, at least a few.
size_t ConnectionCap(size_t wanted) {
  size_t cap = wanted;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const size_t half = static_cast<size_t>(limit.rlim_cur / 2);
    if (cap == 0 || half < cap) cap = half;
  }
  if (cap == 0) cap = 4096;
  return std::max<size_t>(cap, 8);
}

// The dashboard and demo page load only their own scripts and styles: no
// inline code, nothing from elsewhere, never framed.
constexpr std::string_view kHtmlCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
constexpr std::string_view kApiCsp = "default-src 'none'; frame-ancestors 'none'";

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Unknown";
  }
}

std::optional<restinio::http_method_id_t> MethodId(std::string_view m) {
  if (m == "GET") return restinio::http_method_get();
  if (m == "POST") return restinio::http_method_post();
  if (m == "PATCH") return restinio::http_method_patch();
  if (m == "DELETE") return restinio::http_method_delete();
  if (m == "PUT") return restinio::http_method_put();
  return std::nullopt;
}

// ":thread" and ":id" of "/api/v1/threads/:thread/comments".
std::vector<std::string> ParamNames(std::string_view pattern) {
  std::vector<std::string> names;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != ':') continue;
    size_t j = i + 1;
    while (j < pattern.size() && pattern[j] != '/' && pattern[j] != '(') ++j;
    names.emplace_back(pattern.substr(i + 1, j - i - 1));
    i = j;
  }
  return names;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The reader API may be called from the publisher's pages; the moderator API
// and everything else only from commentd's own origin.
bool IsCorsPath(std::string_view path) {
  return StartsWith(path, "/api/v1/threads/") || StartsWith(path, "/api/v1/comments/") ||
         path == "/api/v1/check" || path == "/api/v1/counts";
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const base::Clock> clock;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::unique_ptr<Api> api;
  std::vector<Route> routes;
  StaticAssets assets{WebFiles()};

  asio::io_context io_context;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<HttpServer> server;  // after io_context: destroyed first
  std::vector<std::thread> workers;
  // Runs the handlers of non-GET routes (options.blocking_threads); empty
  // when that is 0. Joined in Shutdown after the drain, before the workers.
  std::optional<asio::thread_pool> blocking;
  std::atomic<uint16_t> port{0};
  std::string host;
  size_t max_connections = 0;

  base::Mutex mu;
  base::CondVar idle;  // signalled when in_flight drops to 0
  int in_flight GUARDED_BY(mu) = 0;
  std::atomic<bool> draining{false};
  bool stopped = false;

  bool OriginAllowed(std::string_view origin) const {
    return std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) !=
           options.allowed_origins.end();
  }

  void Enter() EXCLUDES(mu) {
    base::MutexLock lock(&mu);
    ++in_flight;
  }
  void Leave() EXCLUDES(mu) {
    base::MutexLock lock(&mu);
    if (--in_flight == 0) idle.SignalAll();
  }

  Request ToRequest(const restinio::request_handle_t& req) const {
    Request r;
    r.method = std::string(req->header().method().c_str());
    r.path = std::string(req->header().path());
    r.query = ParseQuery(req->header().query());
    req->header().for_each_field([&r](const restinio::http_header_field_t& f) {
      std::string name(f.name());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    });
    r.body = req->body();
    // Limits, bans, reports and IP hashes all key on the same address key.
    r.peer_ip =
        AddressKey(options.trusted_proxies.ClientAddress(
                       req->remote_endpoint().address().to_string(), r.Header("x-forwarded-for")),
                   options.ipv6_prefix_bits);
    return r;
  }

  // Sends `resp` with the headers every response carries and records it.
  void Send(const restinio::request_handle_t& req, const Request& r, Response resp,
            std::string_view route, bool is_html, std::chrono::steady_clock::time_point started) {
    auto out = req->create_response(restinio::http_status_line_t(
        restinio::http_status_code_t(static_cast<std::uint16_t>(resp.status)),
        std::string(ReasonPhrase(resp.status))));
    if (!resp.content_type.empty()) out.append_header("Content-Type", resp.content_type);
    out.append_header("X-Content-Type-Options", "nosniff");
    out.append_header("Referrer-Policy", "strict-origin-when-cross-origin");
    out.append_header("X-Frame-Options", "DENY");
    out.append_header("Content-Security-Policy", std::string(is_html ? kHtmlCsp : kApiCsp));
    const bool own_cache_policy =
        std::any_of(resp.headers.begin(), resp.headers.end(),
                    [](const auto& h) { return h.first == "Cache-Control"; });
    if (!is_html && !own_cache_policy) out.append_header("Cache-Control", "no-store");
    const std::string_view origin = r.Header("origin");
    if (!origin.empty() && IsCorsPath(r.path) && OriginAllowed(origin)) {
      out.append_header("Access-Control-Allow-Origin", std::string(origin));
      out.append_header("Vary", "Origin");
    }
    for (auto& [k, v] : resp.headers) out.append_header(k, v);
    if (draining.load()) out.connection_close();
    out.set_body(std::move(resp.body));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics->RecordRequest(r.method, route, resp.status, seconds);
    out.done([this](const asio::error_code&) { Leave(); });
  }

  // Runs on an I/O thread. GETs (and everything unmatched) are answered
  // here; a matched route of any other method may wait on the store's
  // writer (a durable commit), so it runs on the blocking pool and answers
  // from there, leaving the I/O threads free for other connections.
  restinio::request_handling_status_t Handle(const restinio::request_handle_t& req,
                                             const Route* route,
                                             const restinio::router::route_params_t* params) {
    const auto started = std::chrono::steady_clock::now();
    Enter();  // before any hand-off, so Shutdown's drain counts queued work
    Request r;
    bool parsed = false;
    try {
      r = ToRequest(req);
      if (route && params) {
        for (const std::string& name : ParamNames(route->pattern)) {
          r.params.emplace_back(name, PercentDecode((*params)[name]));
        }
      }
      parsed = true;
      if (route && route->method != "GET" && blocking.has_value()) {
        asio::post(*blocking, [this, req, r = std::move(r), route, started]() mutable {
          Respond(req, std::move(r), route, started);
        });
        return restinio::request_accepted();
      }
    } catch (const std::exception& e) {
      if (!parsed) {
        Reply(req, r, InternalFailure(e), route, started);
        return restinio::request_accepted();
      }
      // The hand-off itself failed: answer here instead.
    }
    Respond(req, std::move(r), route, started);
    return restinio::request_accepted();
  }

  static Response InternalFailure(const std::exception& e) {
    HttpReply reply = StatusToHttp(base::InternalError("unexpected failure: {}", e.what()));
    Response resp;
    resp.status = reply.status;
    resp.body = std::move(reply.body);
    return resp;
  }

  // Runs the route (or the unmatched handling) and sends its response.
  void Respond(const restinio::request_handle_t& req, Request r, const Route* route,
               std::chrono::steady_clock::time_point started) {
    std::string_view route_name = route ? std::string_view(route->pattern) : "unmatched";
    bool is_html = false;
    Response resp;
    try {
      if (r.body.size() > options.max_body_bytes) {
        HttpReply reply = PayloadTooLarge(r.body.size(), options.max_body_bytes);
        resp.status = reply.status;
        resp.body = std::move(reply.body);
      } else if (route) {
        resp = route->handler(r);
      } else {
        resp = Unmatched(r, &route_name, &is_html);
      }
    } catch (const std::exception& e) {
      resp = InternalFailure(e);
    }
    SendOrLeave(req, r, std::move(resp), route_name, is_html, started);
  }

  void Reply(const restinio::request_handle_t& req, const Request& r, Response resp,
             const Route* route, std::chrono::steady_clock::time_point started) {
    SendOrLeave(req, r, std::move(resp), route ? std::string_view(route->pattern) : "unmatched",
                false, started);
  }

  void SendOrLeave(const restinio::request_handle_t& req, const Request& r, Response resp,
                   std::string_view route_name, bool is_html,
                   std::chrono::steady_clock::time_point started) {
    try {
      Send(req, r, std::move(resp), route_name, is_html, started);
    } catch (const std::exception&) {
      Leave();  // the connection is gone; nothing to answer
    }
  }

  // CORS preflight, the embedded web files, or 404.
  Response Unmatched(const Request& r, std::string_view* route_name, bool* is_html) const {
    Response resp;
    if (r.method == "OPTIONS" && StartsWith(r.path, "/api/")) {
      *route_name = "preflight";
      const std::string_view origin = r.Header("origin");
      if (!IsCorsPath(r.path) || !OriginAllowed(origin)) {
        resp.status = 403;
        resp.body =
            ErrorBody("permission_denied",
                      fmt::format("origin \"{}\" may not call {} from a browser", origin, r.path));
        return resp;
      }
      resp.status = 204;
      resp.content_type.clear();
      resp.headers = {
          {"Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE"},
          {"Access-Control-Allow-Headers", "Content-Type, X-Edit-Token, Idempotency-Key"},
          {"Access-Control-Max-Age", "600"}};
      return resp;
    }
    if (r.method == "GET" && !StartsWith(r.path, "/api/")) {
      *route_name = "static";
      if (auto asset = assets.Find(r.path)) {
        // Publishers embed a fixed URL (/embed.js), so the file cannot carry
        // its hash in its name: browsers keep scripts and styles for a few
        // minutes, then (and pages always) revalidate with the content-hash
        // ETag and get 304 while the file is unchanged.
        resp.headers = {{"ETag", std::string(asset->etag)},
                        {"Cache-Control", asset->is_html ? "no-cache" : "public, max-age=300"}};
        *is_html = asset->is_html;
        if (StaticAssets::Matches(r.Header("if-none-match"), asset->etag)) {
          resp.status = 304;
          resp.content_type.clear();
          return resp;
        }
        resp.content_type = std::string(asset->content_type);
        resp.body = std::string(asset->content);
        return resp;
      }
      if (assets.Find(r.path + "/")) {
        resp.status = 301;
        resp.content_type.clear();
        resp.headers = {{"Location", r.path + "/"}};
        return resp;
      }
    }
    HttpReply reply = UnknownRoute(r.method, r.path);
    resp.status = reply.status;
    resp.body = std::move(reply.body);
    return resp;
  }

  std::unique_ptr<Router> MakeRouter() {
    auto router = std::make_unique<Router>();
    for (const Route& route : routes) {
      const Route* rp = &route;
      router->add_handler(
          *MethodId(route.method), route.pattern,
          [this, rp](const restinio::request_handle_t& req,
                     restinio::router::route_params_t params) { return Handle(req, rp, &params); });
    }
    router->non_matched_request_handler(
        [this](const restinio::request_handle_t& req) { return Handle(req, nullptr, nullptr); });
    return router;
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(); }

base::Result<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                                    comments::Services services,
                                                    std::shared_ptr<const base::Clock> clock) {
  auto impl = std::make_unique<Impl>();
  asio::error_code ec;
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    return base::InvalidArgumentError("listen address \"{}\" is not an IP address", options.host);
  }
  if (options.ipv6_prefix_bits < 1 || options.ipv6_prefix_bits > 128) {
    return base::InvalidArgumentError("ipv6_prefix_bits: must be 1..128, got {}",
                                      options.ipv6_prefix_bits);
  }
  impl->host = host;
  impl->options = std::move(options);
  impl->clock = std::move(clock);
  impl->api =
      std::make_unique<Api>(impl->options.api, std::move(services), impl->clock, impl->metrics);
  impl->routes = impl->api->Routes();

  Impl* self = impl.get();
  impl->max_connections = ConnectionCap(impl->options.max_connections);
  auto gate = std::make_shared<ConnectionGate>(impl->options.max_connections_per_address,
                                               &impl->options.trusted_proxies);
  restinio::server_settings_t<Traits> settings;
  settings.address(address)
      .port(impl->options.port)
      .request_handler(impl->MakeRouter())
      // RESTinio drops a connection whose body exceeds its limit without a
      // reply; keep that limit well above ours so the client gets a 413.
      .incoming_http_msg_limits(
          restinio::incoming_http_msg_limits_t{}
              .max_body_size(std::max<std::uint64_t>(impl->options.max_body_bytes * 4, 1 << 20))
              .max_url_size(impl->options.max_url_bytes)
              .max_field_name_size(1024)
              .max_field_value_size(impl->options.max_header_bytes)
              .max_field_count(impl->options.max_header_count))
      // The whole request must arrive within read_timeout (RESTinio guards
      // the total read, not each read): slowloris clients are cut off.
      .read_next_http_message_timelimit(impl->options.read_timeout)
      .handle_request_timeout(std::chrono::seconds(30))
      .write_http_response_timelimit(impl->options.write_timeout)
      .max_parallel_connections(impl->max_connections)
      .ip_blocker(gate)
      .connection_state_listener(gate)
      .acceptor_post_bind_hook([self](asio::ip::tcp::acceptor& acceptor) {
        self->port = acceptor.local_endpoint().port();
      });
  try {
    impl->server = std::make_unique<HttpServer>(restinio::external_io_context(impl->io_context),
                                                std::move(settings));
  } catch (const std::exception& e) {
    return base::InternalError("cannot create the HTTP server: {}", e.what());
  }

  if (impl->options.blocking_threads > 0) {
    impl->blocking.emplace(impl->options.blocking_threads);
  }
  impl->work.emplace(asio::make_work_guard(impl->io_context));
  size_t threads = impl->options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < threads; ++i) {
    impl->workers.emplace_back([self] { self->io_context.run(); });
  }
  std::promise<std::string> opened;  // empty: ok; else the error
  auto opened_future = opened.get_future();
  impl->server->open_async([&opened] { opened.set_value(""); },
                           [&opened](std::exception_ptr ex) {
                             try {
                               std::rethrow_exception(ex);
                             } catch (const std::exception& e) {
                               opened.set_value(e.what());
                             } catch (...) {
                               opened.set_value("unknown error");
                             }
                           });
  const std::string error = opened_future.get();
  auto server = std::unique_ptr<Server>(new Server(std::move(impl)));
  if (!error.empty()) {
    server->impl_->stopped = true;
    if (server->impl_->blocking.has_value()) server->impl_->blocking->join();
    server->impl_->work.reset();
    server->impl_->io_context.stop();
    for (auto& t : server->impl_->workers) t.join();
    return base::UnavailableError("cannot listen on {}:{}: {}", server->impl_->host,
                                  server->impl_->options.port, error);
  }
  return server;
}

uint16_t Server::port() const { return impl_->port.load(); }

std::string Server::url() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", impl_->host, v6 ? "]" : "", port());
}

const Metrics& Server::metrics() const { return *impl_->metrics; }

size_t Server::max_connections() const { return impl_->max_connections; }

void Server::Shutdown() {
  Impl& impl = *impl_;
  if (impl.stopped) return;
  impl.stopped = true;
  impl.draining = true;
  std::promise<void> closed;
  auto closed_future = closed.get_future();
  impl.server->close_async([&closed] { closed.set_value(); },
                           [&closed](std::exception_ptr) { closed.set_value(); });
  closed_future.wait();
  {
    const auto deadline = std::chrono::steady_clock::now() + impl.options.drain_timeout;
    base::MutexLock lock(&impl.mu);
    while (impl.in_flight != 0 && impl.idle.WaitUntil(&impl.mu, deadline)) {
    }
  }
  if (impl.blocking.has_value()) {
    // Drained: nothing is queued. After a drain timeout, handlers not yet
    // started are dropped (their connections close below); running ones
    // finish first.
    impl.blocking->stop();
    impl.blocking->join();
  }
  impl.work.reset();
  impl.io_context.stop();
  for (auto& t : impl.workers) t.join();
  impl.workers.clear();
}

}  // namespace commentd::http
