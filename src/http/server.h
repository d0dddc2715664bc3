// Server: commentd's HTTP front door. It listens on one address, routes each
// request to the Api (docs/api.md) or to the embedded web files, and adds
// what every response needs: security headers, CORS for the publisher's
// configured origins, the body size limit, metrics. RESTinio and Asio stay
// behind the pimpl.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "comments/services.h"
#include "http/api.h"
#include "http/client_address.h"

namespace commentd::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: the OS picks a free port (see Server::port())
  size_t threads = 0;    // I/O worker threads; 0: one per core
  // Threads that run the handlers of non-GET routes (posts, edits, reports,
  // moderator actions), which wait for durable writes; GETs stay on the I/O
  // threads. 0: every handler runs on the I/O threads.
  size_t blocking_threads = 32;
  // Origins ("https://news.example.com") whose pages may call the reader API
  // from the browser. Others get no CORS headers and a 403 on preflight.
  std::vector<std::string> allowed_origins;
  // Proxies (nginx, a load balancer) whose X-Forwarded-For names the client;
  // rate limits, bans and IP hashes then use that address. Default: none.
  TrustedProxies trusted_proxies;
  // An IPv6 client is known by its first ipv6_prefix_bits (1..128), an IPv4
  // client by its address (see AddressKey).
  int ipv6_prefix_bits = 64;
  size_t max_body_bytes = 64 * 1024;  // larger bodies get 413
  // How long Shutdown waits for in-flight requests before closing anyway.
  std::chrono::milliseconds drain_timeout{10000};
  // A client must send a whole request (line, headers, body) within
  // read_timeout of starting it, or the connection is closed: a slow client
  // (slowloris) cannot hold a connection open by trickling bytes. The
  // response must be taken within write_timeout.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  // Larger request lines and header fields close the connection (RESTinio
  // answers no status for them).
  size_t max_url_bytes = 8 * 1024;
  size_t max_header_bytes = 16 * 1024;  // one field's value
  size_t max_header_count = 100;
  // Connections open at once. Beyond it the server stops accepting (the
  // kernel queues new connections) until one closes, so a flood of sockets
  // cannot run the process out of file descriptors. Start lowers it to half
  // the soft RLIMIT_NOFILE when that is smaller (the rest is for the store,
  // files and sockets being refused). 0: half the file limit.
  size_t max_connections = 4096;
  // Connections open at once from one client address; more are accepted and
  // closed at once. Trusted proxies (which carry many readers) are exempt.
  // 0: no per-address cap.
  size_t max_connections_per_address = 64;
  ApiOptions api;
};

// Requests are served on the server's own threads (I/O workers for GETs, a
// bounded blocking pool for the rest); Start and Shutdown belong to one
// caller. Owned by one thread.
class Server {
 public:
  // Binds, starts the workers and returns once the server accepts
  // connections. kInvalidArgument for a bad host; kUnavailable when the
  // address cannot be bound (in use, no permission).
  static base::Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                                     comments::Services services,
                                                     std::shared_ptr<const base::Clock> clock);
  ~Server();  // Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when options.port was 0).
  uint16_t port() const;
  // "http://127.0.0.1:PORT".
  std::string url() const;

  // Stops accepting, lets in-flight requests finish (at most drain_timeout;
  // requests queued for the blocking pool count as in flight), then joins
  // the blocking pool and stops the workers. Idempotent.
  void Shutdown();

  // The metrics this server records (for tests and the CLI).
  const Metrics& metrics() const;

  // The connection cap in force (options.max_connections after the file
  // limit is applied).
  size_t max_connections() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commentd::http
