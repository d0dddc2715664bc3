#include "http/page_cache.h"

namespace commentd::http {

std::optional<std::string> PageCache::Find(const std::string& key, uint64_t generation,
                                           base::Time now, std::chrono::milliseconds ttl) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  const List::iterator entry = it->second;
  if (entry->generation != generation || now - entry->rendered_at >= ttl) {
    Erase(entry);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->body;
}

void PageCache::Insert(const std::string& key, std::string body, uint64_t generation,
                       base::Time rendered_at) {
  Entry fresh{key, std::move(body), generation, rendered_at};
  const size_t cost = Cost(fresh);
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto it = index_.find(key); it != index_.end()) Erase(it->second);
  if (cost > budget_bytes_) return;
  while (bytes_ + cost > budget_bytes_ && !lru_.empty()) Erase(std::prev(lru_.end()));
  lru_.push_front(std::move(fresh));
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost;
}

void PageCache::Erase(List::iterator it) {
  bytes_ -= Cost(*it);
  index_.erase(it->key);
  lru_.erase(it);
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t PageCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace commentd::http
