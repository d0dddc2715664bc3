// Api: the handlers of the commentd HTTP API (docs/api.md), one per route,
// each a function from a Request to a Response. They parse and format; the
// comment services (comments::Services) decide. Rate limits, sessions and CSRF checks live here
// because they are properties of the HTTP surface, not of the domain.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "comments/services.h"
#include "http/api_io.h"
#include "http/exchange.h"
#include "http/metrics.h"
#include "http/page_cache.h"
#include "http/rate_limiter.h"

namespace commentd::http {

struct ApiOptions {
  std::string site_name = "commentd";
  bool rate_limit = true;
  RateLimit post_per_ip{5, 10};                    // comments posted and edited, per IP hash
  RateLimit post_per_author{5, 10};                // comments posted, per author name
  RateLimit misc_per_ip{30, 120};                  // checks and reports, per IP hash
  RateLimit login_per_ip{5, 5};                    // login attempts, per IP hash
  std::chrono::seconds session_ttl{12 * 60 * 60};  // Max-Age of the session cookie
  bool secure_cookie = false;  // add "Secure" (when served over HTTPS by a proxy)
  // Rendered thread pages are reused for this long, and only until the next
  // write through this server (so a writer sees their own comment at once;
  // other servers sharing a PostgreSQL database see it within the TTL).
  // Zero disables the cache.
  std::chrono::milliseconds thread_cache_ttl{1000};
  // Memory for rendered thread pages (PageCache), least recently used
  // evicted first. Zero disables the cache.
  size_t page_cache_bytes = 32 * 1024 * 1024;
  // Who may read /metrics: a request with "Authorization: Bearer
  // <metrics_token>" (when set), or one from a loopback address that came
  // through no proxy. Others get 403.
  std::string metrics_token;
};

// One route: method, express-style pattern (also the metrics label) and handler.
struct Route {
  std::string method;
  std::string pattern;
  std::function<Response(const Request&)> handler;
};

// The services, metrics, limiters and page cache are safe to share; the
// rest is immutable after construction. Thread-safe.
class Api {
 public:
  // The services, clock and metrics are held by shared_ptr.
  Api(ApiOptions options, comments::Services services, std::shared_ptr<const base::Clock> clock,
      std::shared_ptr<Metrics> metrics);

  // Every API route; the handlers refer to this Api.
  std::vector<Route> Routes();

  Response Health(const Request& r);
  Response RenderMetrics(const Request& r);
  Response ListThread(const Request& r);  // cached; see thread_cache_ttl
  Response PostComment(const Request& r);
  Response Check(const Request& r);
  Response EditComment(const Request& r);
  Response DeleteComment(const Request& r);
  Response ReportComment(const Request& r);
  Response Counts(const Request& r);
  Response Login(const Request& r);
  Response Logout(const Request& r);
  Response Me(const Request& r);
  Response ListQueue(const Request& r);
  Response Act(const Request& r);
  Response Revisions(const Request& r);
  Response Audit(const Request& r);
  Response Stats(const Request& r);
  Response GetPolicy(const Request& r);
  Response PutPolicy(const Request& r);

 private:
  // 429 with Retry-After when `key` is over `limiter`'s rate; nullopt if allowed.
  std::optional<Response> Limit(RateLimiter& limiter, std::string_view what, std::string_view key);
  // Limit keyed on the request's address (its hash under the current IP key).
  std::optional<Response> LimitAddress(RateLimiter& limiter, std::string_view what,
                                       const Request& r);
  // The session of the request's cookie; on failure the 401 reply. With
  // `write`, also the X-CSRF-Token check (403).
  base::Result<comments::Session> RequireSession(const Request& r, bool write) const;

  // The page (200) or the error answer; `cacheable` when the page may be
  // kept (a 200 of a thread with comments).
  Response RenderThread(const comments::ThreadRequest& req, bool* cacheable);
  // Marks every cached thread page stale: called after each successful write
  // (a refused one changes nothing a reader sees).
  void InvalidatePages() { write_generation_.fetch_add(1); }

  const ApiOptions options_;
  const comments::Services services_;
  std::shared_ptr<const base::Clock> clock_;
  std::shared_ptr<Metrics> metrics_;
  RateLimiter post_per_ip_;
  RateLimiter post_per_author_;
  RateLimiter misc_per_ip_;
  RateLimiter login_per_ip_;
  std::atomic<uint64_t> write_generation_{0};
  PageCache page_cache_;  // entries carry the write_generation_ they were read at
};

}  // namespace commentd::http
