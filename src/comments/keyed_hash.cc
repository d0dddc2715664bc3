#include "comments/keyed_hash.h"

#include <sodium.h>

#include <array>

namespace commentd::comments {
namespace {

std::string KeyedHashWith(std::string_view key, std::string_view domain, std::string_view data) {
  // The domain separates IP hashes from token hashes made with the same key.
  std::string input(domain);
  input.push_back('\0');
  input.append(data);
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

}  // namespace

base::Result<std::unique_ptr<KeyedHasher>> KeyedHasher::Create(
    Store& store, std::shared_ptr<const base::Clock> clock, const ServiceOptions& options) {
  if (clock == nullptr) return base::InvalidArgumentError("clock: must not be null");
  if (sodium_init() < 0) return base::InternalError("libsodium failed to initialize");
  std::string key = options.site_key;
  if (key.empty()) {
    std::string fresh(crypto_generichash_KEYBYTES, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    COMMENTD_ASSIGN_OR_RETURN(key, store.GetOrInsertSetting("site_key", fresh));
  }
  if (key.size() < crypto_generichash_KEYBYTES_MIN ||
      key.size() > crypto_generichash_KEYBYTES_MAX) {
    return base::InvalidArgumentError("site_key: must be {} to {} bytes, got {}",
                                      crypto_generichash_KEYBYTES_MIN,
                                      crypto_generichash_KEYBYTES_MAX, key.size());
  }
  COMMENTD_ASSIGN_OR_RETURN(
      std::unique_ptr<IpKeyRing> ip_keys,
      IpKeyRing::Open(options.ip_key_file, options.ip_key_period, std::move(clock)));
  return std::unique_ptr<KeyedHasher>(new KeyedHasher(std::move(key), std::move(ip_keys)));
}

std::string KeyedHasher::Hash(std::string_view domain, std::string_view data) const {
  return KeyedHashWith(site_key_, domain, data);
}

IpHashes KeyedHasher::HashIp(std::string_view ip) const {
  IpHashes out;
  if (ip.empty()) return out;
  const IpKeyRing::Keys keys = ip_keys_->Now();
  out.current = KeyedHashWith(keys.current, "ip", ip);
  if (!keys.previous.empty()) out.previous = KeyedHashWith(keys.previous, "ip", ip);
  return out;
}

std::string KeyedHasher::TextHash(std::string_view lexical, size_t min_bytes) const {
  // The lexical view undoes case, fullwidth letters, homoglyphs, accents,
  // leetspeak and spaced letters; dropping ASCII spaces and punctuation on
  // top makes "BUY now!!!" and "buy now" one text. Non-ASCII bytes stay:
  // CJK comments are mostly letters.
  std::string key;
  key.reserve(lexical.size());
  for (const char ch : lexical) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      key.push_back(ch);
    }
  }
  if (key.size() < min_bytes) return "";
  return Hash("text", key);
}

std::string RandomToken() {
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace commentd::comments
