#include "http/page_cache.h"

namespace commentd::http {

std::optional<std::string> PageCache::Find(const std::string& key, uint64_t generation,
                                           base::Time now, std::chrono::milliseconds ttl) {
  base::MutexLock lock(&mu_);
  const Page* page = pages_.Find(key);
  if (page == nullptr) return std::nullopt;
  if (page->generation != generation || now - page->rendered_at >= ttl) {
    pages_.Erase(key);
    return std::nullopt;
  }
  return page->body;
}

void PageCache::Insert(const std::string& key, std::string body, uint64_t generation,
                       base::Time rendered_at) {
  const size_t body_bytes = body.size();
  Page page{std::move(body), generation, rendered_at};
  base::MutexLock lock(&mu_);
  pages_.Insert(key, std::move(page), body_bytes);
}

size_t PageCache::bytes() const {
  base::MutexLock lock(&mu_);
  return pages_.bytes();
}

size_t PageCache::entries() const {
  base::MutexLock lock(&mu_);
  return pages_.entries();
}

}  // namespace commentd::http
