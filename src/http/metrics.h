// Metrics: the counters /metrics exposes in the Prometheus text format:
// requests by route and status, a request latency histogram, and moderation
// decisions by decision and rule.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "base/mutex.h"
#include "moderation/verdict.h"

namespace commentd::http {

// Thread-safe.
class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

  // `route` is the route pattern ("/api/v1/threads/:thread/comments"), never
  // the raw path, so that the number of series stays bounded.
  void RecordRequest(std::string_view method, std::string_view route, int status, double seconds)
      EXCLUDES(mu_);

  // One decision of the engine (on a post, an edit or a check) and its reasons.
  void RecordVerdict(const moderation::Verdict& verdict) EXCLUDES(mu_);

  // The Prometheus text exposition (version 0.0.4).
  std::string Render() const EXCLUDES(mu_);

 private:
  mutable base::Mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_ GUARDED_BY(mu_);
  std::array<uint64_t, kLatencyBuckets.size() + 1> latency_counts_ GUARDED_BY(mu_){};
  double latency_sum_ GUARDED_BY(mu_) = 0;
  uint64_t latency_count_ GUARDED_BY(mu_) = 0;
  std::map<std::string, uint64_t> decisions_ GUARDED_BY(mu_);
  // (rule, action)
  std::map<std::pair<std::string, std::string>, uint64_t> reasons_ GUARDED_BY(mu_);
};

}  // namespace commentd::http
