// ServiceOptions: the limits and keys of the comment services (Services
// wires them; each piece reads the fields it needs). One struct so that
// `commentd serve` and the tests configure the services in one place.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace commentd::comments {

struct ServiceOptions {
  // Key for hashing tokens, idempotency keys and texts (crypto_generichash).
  // Empty: a random key is created once and kept in the store (setting
  // "site_key"). IP addresses are not hashed with it: see ip_key_file.
  std::string site_key;
  // The file that holds the key for hashing IP addresses (IpKeyRing), kept
  // out of the database and rotated every ip_key_period. Empty: a random
  // key in memory only (tools that hash no addresses; tests).
  std::string ip_key_file;
  std::chrono::seconds ip_key_period{24 * 60 * 60};
  std::chrono::seconds edit_window{15 * 60};
  // Texts kept per comment (as posted, then each edit; all kept forever).
  // An edit past it is refused with kFailedPrecondition: the edit window and
  // the per-address rate limit bound edits in time, this bounds the table.
  int max_revisions = 50;
  std::chrono::seconds session_ttl{12 * 60 * 60};
  size_t max_text_bytes = 5000;
  size_t max_author_bytes = 64;
  size_t max_reason_bytes = 500;
  int max_page_size = 200;
  // A thread page's bound, replies included (ListThread): at most this many
  // comments and about this many bytes of rendered comments; a reader's
  // `replies` per comment at most max_replies_per_comment.
  int max_page_comments = 500;
  size_t max_page_bytes = 1024 * 1024;
  int max_replies_per_comment = 100;
  int max_action_ids = 100;
  // Repetition: the same text (compared after normalization, so case,
  // spacing, punctuation and disguised letters do not make it new) posted
  // repeat_limit or more times within repeat_window, by anyone, is held as
  // advertising (reason rule "advertisement", detail "repeated_comment") from
  // the repeat_limit-th copy on. Texts shorter than repeat_min_bytes once
  // normalized ("Thanks!", "Agreed") are never counted. 0 disables.
  int repeat_limit = 3;
  std::chrono::seconds repeat_window{10 * 60};
  size_t repeat_min_bytes = 12;
  // Names readers may not post under, nor under a look-alike of (compared
  // by text::Normalizer::NameKey), besides the built-in ones ("engine",
  // "author", "moderator", "admin", "administrator") and the moderator
  // accounts. `commentd serve` adds the site name.
  std::vector<std::string> reserved_names;
  // argon2id cost (crypto_pwhash_argon2id_str). Tests lower these to the
  // library minimum; production keeps libsodium's "interactive" limits.
  unsigned long long password_ops_limit = 2;        // crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
  size_t password_mem_limit = 64ull * 1024 * 1024;  // crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
};

}  // namespace commentd::comments
