// LruMap: values by string key under a byte budget, the least recently used
// evicted first (re2's max_mem: a hostile sequence of distinct keys cannot
// grow it past the budget). The one eviction policy behind every cache of
// the server: PageCache (rendered pages) and RateLimiter (token buckets).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace commentd::http {

// Thread-compatible: its owners hold it under their own Mutex.
template <typename Value>
class LruMap {
 public:
  // What one entry costs besides its key and its value's bytes (list and
  // map nodes, the Value itself).
  static constexpr size_t kEntryOverheadBytes = 128;

  // `budget_bytes` 0: nothing is kept.
  explicit LruMap(size_t budget_bytes) : budget_bytes_(budget_bytes) {}
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value under `key`, now the most recently used; nullptr if none.
  Value* Find(std::string_view key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &it->second->value;
  }

  // Keeps `value` under `key` (replacing an older entry), charged
  // `value_bytes` besides the key and kEntryOverheadBytes, evicting the
  // least recently used entries until it fits. An entry larger than the
  // whole budget is not kept: nullptr.
  Value* Insert(std::string_view key, Value value, size_t value_bytes) {
    Erase(key);
    const size_t cost = key.size() + value_bytes + kEntryOverheadBytes;
    if (cost > budget_bytes_) return nullptr;
    while (bytes_ + cost > budget_bytes_ && !lru_.empty()) EraseEntry(std::prev(lru_.end()));
    lru_.push_front(Entry{std::string(key), std::move(value), cost});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += cost;
    return &lru_.front().value;
  }

  void Erase(std::string_view key) {
    if (const auto it = index_.find(key); it != index_.end()) EraseEntry(it->second);
  }

  // Bytes charged; never above the budget.
  size_t bytes() const { return bytes_; }
  size_t entries() const { return lru_.size(); }
  size_t budget_bytes() const { return budget_bytes_; }

 private:
  struct Entry {
    std::string key;
    Value value;
    size_t cost;
  };
  using List = std::list<Entry>;  // most recently used first

  void EraseEntry(typename List::iterator it) {
    bytes_ -= it->cost;
    index_.erase(it->key);
    lru_.erase(it);
  }

  const size_t budget_bytes_;
  List lru_;
  std::unordered_map<std::string_view, typename List::iterator> index_;  // keys view lru_
  size_t bytes_ = 0;
};

}  // namespace commentd::http
