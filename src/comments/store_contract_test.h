// The contract every comments::Store must keep, as one parameterized test
// suite. A backend instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
//                            StoreBackendName);
//
// The factory gets a fresh empty directory (removed after the test) and
// returns an empty store. Times are fixed values, never the wall clock.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "comments/comment.h"
#include "comments/store.h"

namespace commentd::comments::testing {

struct StoreBackend {
  std::string name;
  std::function<base::Result<std::unique_ptr<Store>>(const std::string& scratch_dir)> make;
};

// gtest prints the parameter of a failing test with this.
inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// A fresh directory for one test, removed with it. Owned by one thread.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "commentd-store-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline base::Time At(int64_t unix_seconds) { return base::FromUnixMicros(unix_seconds * 1000000); }

// 2026-03-01T00:00:00Z
inline constexpr int64_t kDay0 = 1772323200;

inline Comment MakeComment(std::string id, std::string thread, CommentState state,
                           base::Time created_at = At(kDay0)) {
  Comment c;
  c.id = std::move(id);
  c.thread = std::move(thread);
  c.author = Author{"reader", "iphash1"};
  c.text = "The talks in Pyongyang went on late.";
  c.lang = "en";
  c.state = state;
  c.engine_decision = state == CommentState::kPublished ? moderation::Decision::kPublish
                      : state == CommentState::kHeld    ? moderation::Decision::kHold
                                                        : moderation::Decision::kDelete;
  c.policy_version = "test-1";
  c.created_at = created_at;
  c.decided_at = created_at;
  c.edit_token_hash = "edithash";
  return c;
}

class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty()) << "cannot create a scratch directory";
    auto made = GetParam().make(scratch_.path());
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    store_ = std::move(made).value();
  }

  Comment Insert(const Comment& c) {
    auto r = store_->InsertComment(c);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Comment{};
  }

  AuditEntry Audit(std::string moderator, AuditAction action, std::string comment_id) {
    return AuditEntry{0,        At(kDay0), std::move(moderator), action, std::move(comment_id),
                      "reader", "test"};
  }

  ScratchDir scratch_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, InsertAssignsIncreasingSeqAndRoundTripsEveryField) {
  Comment a = MakeComment("c_a", "article-1", CommentState::kDeleted);
  a.reasons.push_back(moderation::Reason{moderation::Rule::kLink, text::Span{4, 19},
                                         "spam.example.com", "bare_domain",
                                         moderation::Decision::kDelete, 1.0});
  a.reasons.push_back(moderation::Reason{moderation::Rule::kInappropriateLanguage,
                                         text::Span{20, 24}, "damn", "profanity/mild",
                                         moderation::Decision::kPublish, 0.5});
  a.text = "see spam.example.com damn, 한국어";
  a.lang = "ko";
  a.edited_at = At(kDay0 + 60);
  a.decided_by = DecidedBy::kModerator;
  a.decided_by_moderator = "mod1";
  const Comment stored_a = Insert(a);
  Comment b = MakeComment("c_b", "article-1", CommentState::kPublished);
  b.parent_id = "c_a";
  const Comment stored_b = Insert(b);
  EXPECT_GT(stored_a.seq, 0);
  EXPECT_GT(stored_b.seq, stored_a.seq);

  auto got = store_->GetComment("c_a");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "c_a");
  EXPECT_EQ(got->seq, stored_a.seq);
  EXPECT_EQ(got->thread, "article-1");
  EXPECT_FALSE(got->parent_id.has_value());
  EXPECT_EQ(got->author.name, "reader");
  EXPECT_EQ(got->author.ip_hash, "iphash1");
  EXPECT_EQ(got->text, a.text);
  EXPECT_EQ(got->lang, "ko");
  EXPECT_EQ(got->state, CommentState::kDeleted);
  EXPECT_EQ(got->engine_decision, moderation::Decision::kDelete);
  ASSERT_EQ(got->reasons.size(), 2u);
  EXPECT_EQ(got->reasons[0].rule, moderation::Rule::kLink);
  EXPECT_EQ(got->reasons[0].span, (text::Span{4, 19}));
  EXPECT_EQ(got->reasons[0].match, "spam.example.com");
  EXPECT_EQ(got->reasons[0].detail, "bare_domain");
  EXPECT_EQ(got->reasons[0].action, moderation::Decision::kDelete);
  EXPECT_EQ(got->reasons[1].rule, moderation::Rule::kInappropriateLanguage);
  EXPECT_EQ(got->reasons[1].action, moderation::Decision::kPublish);
  EXPECT_DOUBLE_EQ(got->reasons[1].score, 0.5);
  EXPECT_EQ(got->policy_version, "test-1");
  EXPECT_EQ(got->decided_by, DecidedBy::kModerator);
  EXPECT_EQ(got->DecidedByName(), "mod1");
  EXPECT_EQ(got->created_at, At(kDay0));
  ASSERT_TRUE(got->edited_at.has_value());
  EXPECT_EQ(*got->edited_at, At(kDay0 + 60));
  EXPECT_EQ(got->edit_token_hash, "edithash");
  EXPECT_EQ(got->open_reports, 0);

  auto reply = store_->GetComment("c_b");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->parent_id, std::optional<std::string>("c_a"));
  EXPECT_FALSE(reply->edited_at.has_value());
}

TEST_P(StoreContractTest, CountsRecentCommentsWithTheSameTextHash) {
  const struct {
    const char* id;
    const char* hash;
    int64_t at;
  } kRows[] = {
      {"c_1", "h_spam", kDay0},       {"c_2", "h_spam", kDay0 + 300},
      {"c_3", "h_spam", kDay0 + 600}, {"c_4", "h_other", kDay0 + 600},
      {"c_5", "", kDay0 + 600},
  };
  for (const auto& r : kRows) {
    Comment c = MakeComment(r.id, "t", CommentState::kPublished, At(r.at));
    c.text_hash = r.hash;
    Insert(c);
  }
  EXPECT_EQ(store_->GetComment("c_2")->text_hash, "h_spam") << "text_hash round-trips";
  const struct {
    const char* hash;
    int64_t since;
    int64_t want;
  } kCases[] = {
      {"h_spam", kDay0, 3},
      {"h_spam", kDay0 + 1, 2},
      {"h_spam", kDay0 + 600, 1},
      {"h_spam", kDay0 + 601, 0},
      {"h_other", kDay0, 1},
      {"h_none", kDay0, 0},
      {"", kDay0, 0},  // comments without a hash are never counted as repeats
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.hash) + " since +" + std::to_string(c.since - kDay0));
    auto n = store_->CountRecentText(c.hash, At(c.since));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, c.want);
  }
  // An update that changes the text changes the hash that is counted.
  ASSERT_TRUE(store_
                  ->UpdateComment("c_3",
                                  [](Comment& c) -> base::Result<CommentUpdateEffects> {
                                    c.text = "Something else entirely.";
                                    c.text_hash = "h_other";
                                    return CommentUpdateEffects{};
                                  })
                  .ok());
  EXPECT_EQ(*store_->CountRecentText("h_spam", At(kDay0)), 2);
  EXPECT_EQ(*store_->CountRecentText("h_other", At(kDay0)), 2);
}

TEST_P(StoreContractTest, InsertRefusesATakenId) {
  Insert(MakeComment("c_a", "t", CommentState::kPublished));
  auto again = store_->InsertComment(MakeComment("c_a", "t", CommentState::kHeld));
  EXPECT_EQ(again.status().code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetComment("c_a")->state, CommentState::kPublished);
}

TEST_P(StoreContractTest, InsertRefusesAParentOutsideTheThread) {
  Insert(MakeComment("c_a", "t1", CommentState::kPublished));
  Comment other_thread = MakeComment("c_b", "t2", CommentState::kPublished);
  other_thread.parent_id = "c_a";
  auto r = store_->InsertComment(other_thread);
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("parent_id"), std::string::npos) << r.status().message();
  Comment unknown_parent = MakeComment("c_c", "t1", CommentState::kPublished);
  unknown_parent.parent_id = "c_missing";
  EXPECT_EQ(store_->InsertComment(unknown_parent).status().code(),
            base::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetComment("c_b").status().code(), base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, GetUnknownCommentIsNotFound) {
  EXPECT_EQ(store_->GetComment("c_nothing").status().code(), base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ListThreadReturnsEveryStateInInsertionOrder) {
  Insert(MakeComment("c_3", "t", CommentState::kPublished, At(kDay0 + 30)));
  Insert(MakeComment("c_1", "t", CommentState::kDeleted, At(kDay0 + 10)));
  Insert(MakeComment("c_x", "other", CommentState::kPublished));
  Insert(MakeComment("c_2", "t", CommentState::kHeld, At(kDay0 + 20)));
  auto list = store_->ListThread("t");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::vector<std::string> ids;
  for (const Comment& c : *list) ids.push_back(c.id);
  // Insertion order, not created_at order: seq is the one total order.
  EXPECT_EQ(ids, (std::vector<std::string>{"c_3", "c_1", "c_2"}));
  auto empty = store_->ListThread("no-such-thread");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// Ids of `slice`'s comments, in the order the store returned them.
inline std::vector<std::string> SliceIds(const ThreadSlice& slice) {
  std::vector<std::string> ids;
  for (const Comment& c : slice.comments) ids.push_back(c.id);
  return ids;
}

TEST_P(StoreContractTest, ThreadSliceHoldsTheFirstRootsAndEverythingUnderThem) {
  // r1 <- a <- b, r2 (held) <- c, r3, and r4 <- d; plus another thread.
  Insert(MakeComment("r1", "t", CommentState::kPublished));
  Comment a = MakeComment("a", "t", CommentState::kDeleted);
  a.parent_id = "r1";
  Insert(a);
  Insert(MakeComment("r2", "t", CommentState::kHeld));
  Comment b = MakeComment("b", "t", CommentState::kPublished);
  b.parent_id = "a";
  Insert(b);
  Comment c = MakeComment("c", "t", CommentState::kHeld);
  c.parent_id = "r2";
  Insert(c);
  Insert(MakeComment("x", "other", CommentState::kPublished));
  Insert(MakeComment("r3", "t", CommentState::kPublished));
  Insert(MakeComment("r4", "t", CommentState::kPublished));
  Comment d = MakeComment("d", "t", CommentState::kPublished);
  d.parent_id = "r4";
  Insert(d);

  auto first = store_->ListThreadSlice("t", std::nullopt, SortOrder::kOldest, std::nullopt, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Every state, seq ascending, descendants at every depth.
  EXPECT_EQ(SliceIds(*first), (std::vector<std::string>{"r1", "a", "r2", "b", "c"}));
  EXPECT_TRUE(first->more);

  const int64_t r2_seq = first->comments[2].seq;
  auto rest = store_->ListThreadSlice("t", std::nullopt, SortOrder::kOldest, r2_seq, 5);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(SliceIds(*rest), (std::vector<std::string>{"r3", "r4", "d"}));
  EXPECT_FALSE(rest->more);

  // Newest first takes the last roots, still returned seq ascending.
  auto newest = store_->ListThreadSlice("t", std::nullopt, SortOrder::kNewest, std::nullopt, 2);
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  EXPECT_EQ(SliceIds(*newest), (std::vector<std::string>{"r3", "r4", "d"}));
  EXPECT_TRUE(newest->more);
  auto older =
      store_->ListThreadSlice("t", std::nullopt, SortOrder::kNewest, newest->comments[0].seq, 2);
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  EXPECT_EQ(SliceIds(*older), (std::vector<std::string>{"r1", "a", "r2", "b", "c"}));
  EXPECT_FALSE(older->more);
}

TEST_P(StoreContractTest, ThreadSliceOfAParentHoldsItsRepliesAfterTheCursor) {
  Insert(MakeComment("p", "t", CommentState::kPublished));
  for (const char* id : {"a", "b", "c"}) {
    Comment reply = MakeComment(id, "t", CommentState::kPublished);
    reply.parent_id = "p";
    Insert(reply);
  }
  Comment under_b = MakeComment("b1", "t", CommentState::kHeld);
  under_b.parent_id = "b";
  Insert(under_b);

  auto all = store_->ListThreadSlice("t", "p", SortOrder::kOldest, std::nullopt, 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // The parent itself is not part of its replies.
  EXPECT_EQ(SliceIds(*all), (std::vector<std::string>{"a", "b", "c", "b1"}));
  EXPECT_FALSE(all->more);

  auto after_a = store_->ListThreadSlice("t", "p", SortOrder::kOldest, all->comments[0].seq, 1);
  ASSERT_TRUE(after_a.ok()) << after_a.status().ToString();
  EXPECT_EQ(SliceIds(*after_a), (std::vector<std::string>{"b", "b1"}));
  EXPECT_TRUE(after_a->more);

  for (const auto& [thread, parent] :
       {std::pair<std::string, std::string>{"t", "nothing"}, {"other", "p"}}) {
    auto none = store_->ListThreadSlice(thread, parent, SortOrder::kOldest, std::nullopt, 10);
    ASSERT_TRUE(none.ok()) << none.status().ToString();
    EXPECT_TRUE(none->comments.empty()) << thread << " " << parent;
    EXPECT_FALSE(none->more);
  }
}

TEST_P(StoreContractTest, CountPublishedCountsOnlyPublishedAndNamesEveryKey) {
  Insert(MakeComment("c_1", "a", CommentState::kPublished));
  Insert(MakeComment("c_2", "a", CommentState::kPublished));
  Insert(MakeComment("c_3", "a", CommentState::kHeld));
  Insert(MakeComment("c_4", "b", CommentState::kDeleted));
  auto counts = store_->CountPublished({"a", "b", "c"});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (std::map<std::string, int64_t>{{"a", 2}, {"b", 0}, {"c", 0}}));
}

TEST_P(StoreContractTest, UpdateCommentWritesChangeAndEffectsTogether) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  ASSERT_TRUE(store_->AddReport(Report{"c_1", "spam", "iphash9", At(kDay0 + 5)}).ok());
  ASSERT_EQ(store_->GetComment("c_1")->open_reports, 1);
  auto updated = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    c.state = CommentState::kDeleted;
    c.decided_by = DecidedBy::kModerator;
    c.decided_by_moderator = "mod1";
    c.decided_at = At(kDay0 + 100);
    CommentUpdateEffects effects;
    effects.audit =
        AuditEntry{0, At(kDay0 + 100), "mod1", AuditAction::kBan, c.id, c.author.name, "spammer"};
    effects.ban = Ban{c.author.name, c.author.ip_hash, "mod1", "spammer", At(kDay0 + 100)};
    effects.resolve_reports = true;
    return effects;
  });
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->state, CommentState::kDeleted);
  EXPECT_EQ(updated->open_reports, 0);
  EXPECT_EQ(updated->DecidedByName(), "mod1");
  EXPECT_EQ(updated->decided_at, At(kDay0 + 100));
  EXPECT_TRUE(*store_->IsBanned("reader", ""));
  auto audit = store_->ListAudit(std::nullopt, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_EQ(audit->items[0].action, AuditAction::kBan);
  EXPECT_EQ(audit->items[0].comment_id, "c_1");
  EXPECT_EQ(audit->items[0].reason, "spammer");
}

TEST_P(StoreContractTest, UpdateCommentThatFailsChangesNothing) {
  Insert(MakeComment("c_1", "t", CommentState::kHeld));
  auto r = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    c.state = CommentState::kPublished;
    return base::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(r.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "changed my mind");
  EXPECT_EQ(store_->GetComment("c_1")->state, CommentState::kHeld);
  EXPECT_TRUE(store_->ListAudit(std::nullopt, 10)->items.empty());
  EXPECT_EQ(store_
                ->UpdateComment("c_none",
                                [](Comment&) -> base::Result<CommentUpdateEffects> {
                                  return CommentUpdateEffects{};
                                })
                .status()
                .code(),
            base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateCommentKeepsIdentityFields) {
  const Comment before = Insert(MakeComment("c_1", "t", CommentState::kHeld));
  auto r = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    c.thread = "elsewhere";
    c.author.name = "someone else";
    c.created_at = At(1);
    c.edit_token_hash = "other";
    c.text = "edited text";
    c.edited_at = At(kDay0 + 9);
    return CommentUpdateEffects{};
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->thread, "t");
  EXPECT_EQ(r->author.name, "reader");
  EXPECT_EQ(r->created_at, before.created_at);
  EXPECT_EQ(r->edit_token_hash, "edithash");
  EXPECT_EQ(r->seq, before.seq);
  EXPECT_EQ(r->text, "edited text");
  EXPECT_EQ(r->edited_at, std::optional<base::Time>(At(kDay0 + 9)));
}

TEST_P(StoreContractTest, InsertStoresTheTextAsRevisionOne) {
  Comment c = MakeComment("c_1", "t", CommentState::kHeld);
  c.reasons.push_back(moderation::Reason{moderation::Rule::kLink, text::Span{4, 9}, "x.com",
                                         "bare_domain", moderation::Decision::kHold, 1.0});
  c.revision = 7;  // assigned by the store, whatever the caller says
  const Comment stored = Insert(c);
  EXPECT_EQ(stored.revision, 1);
  EXPECT_EQ(store_->GetComment("c_1")->revision, 1);
  auto revisions = store_->ListRevisions("c_1");
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 1u);
  const Revision& r = revisions->front();
  EXPECT_EQ(r.comment_id, "c_1");
  EXPECT_EQ(r.number, 1);
  EXPECT_EQ(r.text, c.text);
  EXPECT_EQ(r.lang, "en");
  EXPECT_EQ(r.engine_decision, moderation::Decision::kHold);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0].match, "x.com");
  EXPECT_EQ(r.policy_version, "test-1");
  EXPECT_EQ(r.created_at, c.created_at);
  EXPECT_TRUE(r.became_current);
  EXPECT_EQ(store_->ListRevisions("c_none").status().code(), base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateAppendsRevisionsAndOnlyACurrentOneMovesTheComment) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  const auto append = [&](std::string text, bool current) {
    return store_->UpdateComment("c_1", [&](Comment& c) -> base::Result<CommentUpdateEffects> {
      c.revision = 42;  // ignored: only an appended current revision moves it
      Revision r;
      r.text = text;
      r.lang = "ko";
      r.engine_decision = current ? moderation::Decision::kPublish : moderation::Decision::kDelete;
      r.policy_version = "test-2";
      r.created_at = At(kDay0 + 60);
      r.became_current = current;
      if (current) c.text = text;
      CommentUpdateEffects effects;
      effects.revision = r;
      return effects;
    });
  };
  auto refused = append("a refused edit", false);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->revision, 1);
  EXPECT_EQ(refused->text, "The talks in Pyongyang went on late.");
  auto accepted = append("an accepted edit", true);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->revision, 3);
  EXPECT_EQ(store_->GetComment("c_1")->revision, 3);
  EXPECT_EQ(store_->GetComment("c_1")->text, "an accepted edit");
  // A mutation without a revision keeps the current one.
  auto plain = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    c.state = CommentState::kDeleted;
    c.revision = 1;
    return CommentUpdateEffects{};
  });
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->revision, 3);
  // A failed mutation appends nothing.
  EXPECT_FALSE(store_
                   ->UpdateComment("c_1",
                                   [](Comment&) -> base::Result<CommentUpdateEffects> {
                                     return base::FailedPreconditionError("no");
                                   })
                   .ok());

  auto revisions = store_->ListRevisions("c_1");
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[0].number, 1);
  EXPECT_EQ((*revisions)[1].number, 2);
  EXPECT_EQ((*revisions)[1].text, "a refused edit");
  EXPECT_EQ((*revisions)[1].comment_id, "c_1");
  EXPECT_EQ((*revisions)[1].lang, "ko");
  EXPECT_EQ((*revisions)[1].engine_decision, moderation::Decision::kDelete);
  EXPECT_EQ((*revisions)[1].policy_version, "test-2");
  EXPECT_EQ((*revisions)[1].created_at, At(kDay0 + 60));
  EXPECT_FALSE((*revisions)[1].became_current);
  EXPECT_EQ((*revisions)[2].number, 3);
  EXPECT_EQ((*revisions)[2].text, "an accepted edit");
  EXPECT_TRUE((*revisions)[2].became_current);
  // Revisions are numbered per comment.
  Insert(MakeComment("c_2", "t", CommentState::kPublished));
  EXPECT_EQ(store_->ListRevisions("c_2")->size(), 1u);
}

TEST_P(StoreContractTest, OneReaderReportsACommentOnceEvenAfterAModeratorDecided) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  Insert(MakeComment("c_2", "t", CommentState::kPublished));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->AddReport(Report{"c_1", "spam", "reader-a", At(kDay0 + i)}).ok());
  }
  ASSERT_TRUE(store_->AddReport(Report{"c_1", "rude", "reader-b", At(kDay0)}).ok());
  ASSERT_TRUE(store_->AddReport(Report{"c_2", "spam", "reader-a", At(kDay0)}).ok());
  // Reports without an address (the CLI, tests) are not merged.
  ASSERT_TRUE(store_->AddReport(Report{"c_1", "x", "", At(kDay0)}).ok());
  ASSERT_TRUE(store_->AddReport(Report{"c_1", "x", "", At(kDay0)}).ok());
  EXPECT_EQ(store_->GetComment("c_1")->open_reports, 4);
  EXPECT_EQ(store_->GetComment("c_2")->open_reports, 1);
  CommentUpdateEffects resolve;
  resolve.resolve_reports = true;
  ASSERT_TRUE(
      store_
          ->UpdateComment("c_1",
                          [&](Comment&) -> base::Result<CommentUpdateEffects> { return resolve; })
          .ok());
  ASSERT_TRUE(store_->AddReport(Report{"c_1", "spam again", "reader-a", At(kDay0 + 9)}).ok());
  EXPECT_EQ(store_->GetComment("c_1")->open_reports, 0);
  EXPECT_EQ(store_->AddReport(Report{"c_none", "x", "reader-a", At(kDay0)}).code(),
            base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ReportsPutAPublishedCommentInTheReportedQueue) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  Insert(MakeComment("c_2", "t", CommentState::kPublished));
  Insert(MakeComment("c_3", "t", CommentState::kHeld));
  ASSERT_TRUE(store_->AddReport(Report{"c_2", "rude", "h1", At(kDay0)}).ok());
  ASSERT_TRUE(store_->AddReport(Report{"c_2", "spam", "h2", At(kDay0)}).ok());
  ASSERT_TRUE(store_->AddReport(Report{"c_3", "spam", "h2", At(kDay0)}).ok());
  EXPECT_EQ(store_->AddReport(Report{"c_none", "x", "", At(kDay0)}).code(),
            base::StatusCode::kNotFound);
  auto reported = store_->ListQueue(Queue::kReported, std::nullopt, 10);
  ASSERT_TRUE(reported.ok()) << reported.status().ToString();
  ASSERT_EQ(reported->items.size(), 1u);  // c_3 is held: it is in the held queue
  EXPECT_EQ(reported->items[0].id, "c_2");
  EXPECT_EQ(reported->items[0].open_reports, 2);
}

TEST_P(StoreContractTest, QueuesPageNewestFirstWithCursors) {
  for (int i = 0; i < 5; ++i) {
    Insert(MakeComment(fmt::format("c_h{}", i), "t", CommentState::kHeld));
    Insert(MakeComment(fmt::format("c_p{}", i), "t", CommentState::kPublished));
  }
  Insert(MakeComment("c_d0", "t", CommentState::kDeleted));
  std::vector<std::string> seen;
  std::optional<Cursor> after;
  int pages = 0;
  do {
    auto page = store_->ListQueue(Queue::kHeld, after, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Comment& c : page->items) seen.push_back(c.id);
    after = page->next;
    ++pages;
  } while (after.has_value() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"c_h4", "c_h3", "c_h2", "c_h1", "c_h0"}));
  EXPECT_EQ(pages, 3);
  auto deleted = store_->ListQueue(Queue::kDeleted, std::nullopt, 10);
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->items.size(), 1u);
  EXPECT_FALSE(deleted->next.has_value());
  EXPECT_EQ(store_->ListQueue(Queue::kPublished, std::nullopt, 10)->items.size(), 5u);
}

TEST_P(StoreContractTest, BansMatchByNameOrNonEmptyIpHash) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  EXPECT_FALSE(*store_->IsBanned("reader", "iphash1"));
  auto r = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    CommentUpdateEffects effects;
    effects.ban = Ban{"spammer", "", "mod1", "", At(kDay0)};
    c.state = CommentState::kDeleted;
    return effects;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*store_->IsBanned("spammer", ""));
  EXPECT_TRUE(*store_->IsBanned("spammer", "anything"));
  // A ban without an IP hash must not match every writer without one.
  EXPECT_FALSE(*store_->IsBanned("reader", ""));
  ASSERT_TRUE(store_
                  ->UpdateComment("c_1",
                                  [](Comment&) -> base::Result<CommentUpdateEffects> {
                                    CommentUpdateEffects effects;
                                    effects.ban = Ban{"x", "iphash7", "mod1", "", At(kDay0)};
                                    return effects;
                                  })
                  .ok());
  EXPECT_TRUE(*store_->IsBanned("new name", "iphash7"));
  EXPECT_FALSE(*store_->IsBanned("new name", "iphash8"));
}

TEST_P(StoreContractTest, BansMatchByNameKeyAndBansWithoutAKeyByExactName) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  auto r = store_->UpdateComment("c_1", [](Comment& c) -> base::Result<CommentUpdateEffects> {
    CommentUpdateEffects effects;
    effects.ban = Ban{"Spammer", "", "mod1", "", At(kDay0), "key-of-spammer"};
    c.state = CommentState::kDeleted;
    return effects;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Another spelling with the same key is banned; an empty key matches no ban.
  EXPECT_TRUE(*store_->IsBanned("SPAMMER", "key-of-spammer", ""));
  EXPECT_FALSE(*store_->IsBanned("SPAMMER", "", ""));
  EXPECT_FALSE(*store_->IsBanned("reader", "key-of-reader", "iphash1"));
  // A ban made before keys existed (empty key) still matches its exact name.
  ASSERT_TRUE(store_
                  ->UpdateComment("c_1",
                                  [](Comment&) -> base::Result<CommentUpdateEffects> {
                                    CommentUpdateEffects effects;
                                    effects.ban = Ban{"old ban", "", "mod1", "", At(kDay0)};
                                    return effects;
                                  })
                  .ok());
  EXPECT_TRUE(*store_->IsBanned("old ban", "key-of-old-ban", ""));
  EXPECT_FALSE(*store_->IsBanned("reader", "", ""));
}

TEST_P(StoreContractTest, AuditPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->AppendAudit(Audit("mod1", AuditAction::kDelete, fmt::format("c_{}", i))).ok());
  }
  std::vector<std::string> seen;
  std::optional<Cursor> after;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = store_->ListAudit(after, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const AuditEntry& e : page->items) {
      EXPECT_GT(e.id, 0);
      seen.push_back(e.comment_id);
    }
    after = page->next;
    if (!after.has_value()) break;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"c_4", "c_3", "c_2", "c_1", "c_0"}));
}

TEST_P(StoreContractTest, StatsBucketByUtcDayAndCountActingRules) {
  Comment link = MakeComment("c_1", "t", CommentState::kDeleted, At(kDay0 + 10));
  link.reasons.push_back(
      {moderation::Rule::kLink, {0, 3}, "x.y", "", moderation::Decision::kDelete, 1.0});
  Insert(link);
  Comment mild = MakeComment("c_2", "t", CommentState::kPublished, At(kDay0 + 86399));
  mild.reasons.push_back({moderation::Rule::kInappropriateLanguage,
                          {0, 4},
                          "damn",
                          "",
                          moderation::Decision::kPublish,
                          1.0});
  Insert(mild);
  Comment ad = MakeComment("c_3", "t", CommentState::kHeld, At(kDay0 + 86400));
  ad.reasons.push_back(
      {moderation::Rule::kAdvertisement, {0, 4}, "sale", "", moderation::Decision::kHold, 0.7});
  Insert(ad);
  Insert(MakeComment("c_4", "t", CommentState::kPublished, At(kDay0 + 3 * 86400)));  // outside

  auto stats = store_->Stats(At(kDay0), At(kDay0 + 2 * 86400));
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->size(), 2u);
  const DayStats& d0 = (*stats)[0];
  EXPECT_EQ(d0.day, kDay0 / 86400);
  EXPECT_EQ(d0.publish, 1);
  EXPECT_EQ(d0.del, 1);
  EXPECT_EQ(d0.hold, 0);
  EXPECT_EQ(d0.link, 1);
  EXPECT_EQ(d0.inappropriate_language, 0);  // the mild word did not act
  const DayStats& d1 = (*stats)[1];
  EXPECT_EQ(d1.day, kDay0 / 86400 + 1);
  EXPECT_EQ(d1.hold, 1);
  EXPECT_EQ(d1.advertisement, 1);
}

TEST_P(StoreContractTest, ModeratorAccountsAndTheirSessions) {
  const ModeratorAccount alice{"alice", "$argon2id$fake", At(kDay0)};
  ASSERT_TRUE(store_->InsertModerator(alice, Audit("cli", AuditAction::kModeratorAdd, "")).ok());
  ASSERT_TRUE(store_
                  ->InsertModerator({"bob", "$argon2id$b", At(kDay0)},
                                    Audit("cli", AuditAction::kModeratorAdd, ""))
                  .ok());
  EXPECT_EQ(store_->InsertModerator(alice, Audit("cli", AuditAction::kModeratorAdd, "")).code(),
            base::StatusCode::kAlreadyExists);
  auto got = store_->GetModerator("alice");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->password_hash, "$argon2id$fake");
  EXPECT_EQ(got->created_at, At(kDay0));
  EXPECT_EQ(store_->GetModerator("carol").status().code(), base::StatusCode::kNotFound);
  auto list = store_->ListModerators();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "alice");
  EXPECT_EQ((*list)[1].name, "bob");

  const Session s{"tokhash", "alice", "csrf", At(kDay0), At(kDay0 + 3600)};
  ASSERT_TRUE(store_->InsertSession(s).ok());
  EXPECT_EQ(store_->InsertSession(s).code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->InsertSession({"t2", "carol", "c", At(kDay0), At(kDay0 + 1)}).code(),
            base::StatusCode::kNotFound);
  auto session = store_->GetSession("tokhash");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->moderator, "alice");
  EXPECT_EQ(session->csrf_token, "csrf");
  EXPECT_EQ(session->expires_at, At(kDay0 + 3600));

  ASSERT_TRUE(
      store_->RemoveModerator("alice", Audit("cli", AuditAction::kModeratorRemove, "")).ok());
  EXPECT_EQ(store_->GetSession("tokhash").status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(
      store_->RemoveModerator("alice", Audit("cli", AuditAction::kModeratorRemove, "")).code(),
      base::StatusCode::kNotFound);
  auto audit = store_->ListAudit(std::nullopt, 10);
  ASSERT_TRUE(audit.ok());
  // Two adds and one remove; the failed add and remove left no entry.
  EXPECT_EQ(audit->items.size(), 3u);
}

TEST_P(StoreContractTest, SessionsExpireAndDelete) {
  ASSERT_TRUE(
      store_
          ->InsertModerator({"alice", "h", At(kDay0)}, Audit("cli", AuditAction::kModeratorAdd, ""))
          .ok());
  ASSERT_TRUE(store_->InsertSession({"old", "alice", "c1", At(kDay0), At(kDay0 + 10)}).ok());
  ASSERT_TRUE(store_->InsertSession({"new", "alice", "c2", At(kDay0), At(kDay0 + 100)}).ok());
  ASSERT_TRUE(store_->DeleteExpiredSessions(At(kDay0 + 10)).ok());
  EXPECT_EQ(store_->GetSession("old").status().code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetSession("new").ok());
  ASSERT_TRUE(store_->DeleteSession("new").ok());
  EXPECT_EQ(store_->GetSession("new").status().code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(store_->DeleteSession("never-existed").ok());
}

TEST_P(StoreContractTest, PolicyRevisionsCountUpAndAreAudited) {
  auto none = store_->GetPolicy();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->revision, 0);
  EXPECT_EQ(none->toml, "");
  auto first = store_->InsertPolicy("[link]\naction = \"hold\"\n", "mod1", At(kDay0 + 10),
                                    Audit("mod1", AuditAction::kPolicySet, ""));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->revision, 1);
  auto second = store_->InsertPolicy("version = \"two\"\n", "mod2", At(kDay0 + 20),
                                     Audit("mod2", AuditAction::kPolicySet, ""));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->revision, 2);
  auto newest = store_->GetPolicy();
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  EXPECT_EQ(newest->revision, 2);
  EXPECT_EQ(newest->toml, "version = \"two\"\n");
  EXPECT_EQ(newest->set_by, "mod2");
  EXPECT_EQ(newest->set_at, At(kDay0 + 20));
  auto audit = store_->ListAudit(std::nullopt, 10);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_EQ(audit->items.size(), 2u);
  EXPECT_EQ(audit->items[0].action, AuditAction::kPolicySet);
  EXPECT_EQ(audit->items[0].moderator, "mod2");
}

TEST_P(StoreContractTest, SettingsKeepTheFirstValue) {
  std::string binary("\x00\x01\xff key", 7);
  auto first = store_->GetOrInsertSetting("site_key", binary);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, binary);
  auto second = store_->GetOrInsertSetting("site_key", "other");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, binary);
}

TEST_P(StoreContractTest, ConcurrentWritersAndReadersLoseNothing) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->InsertComment(
            MakeComment(fmt::format("c_{}_{}", t, i), "busy", CommentState::kPublished));
        if (!r.ok()) ++failures;
        auto list = store_->ListThread("busy");
        if (!list.ok() || list->empty()) ++failures;
        auto counts = store_->CountPublished({"busy"});
        if (!counts.ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = store_->ListThread("busy");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<int64_t> seqs;
  for (const Comment& c : *all) seqs.insert(c.seq);
  EXPECT_EQ(seqs.size(), all->size());
  EXPECT_EQ(store_->CountPublished({"busy"})->at("busy"), kThreads * kPerThread);
}

// --- the request path's one-query lookups

TEST_P(StoreContractTest, GetCommentWithDepthCountsTheAncestorsInOneLookup) {
  Insert(MakeComment("c_0", "t", CommentState::kPublished));
  std::string parent = "c_0";
  for (int depth = 1; depth <= 5; ++depth) {
    Comment reply = MakeComment("c_" + std::to_string(depth), "t", CommentState::kPublished);
    reply.parent_id = parent;
    Insert(reply);
    parent = reply.id;
  }
  Insert(MakeComment("c_other", "u", CommentState::kHeld));
  // The slow reference: walk up one GetComment at a time.
  for (const std::string id : {"c_0", "c_1", "c_3", "c_5", "c_other"}) {
    SCOPED_TRACE(id);
    int walked = 0;
    for (auto c = store_->GetComment(id); c.ok() && c->parent_id.has_value();
         c = store_->GetComment(*c->parent_id)) {
      ++walked;
    }
    auto got = store_->GetCommentWithDepth(id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->depth, walked);
    EXPECT_EQ(got->comment.id, id);
    EXPECT_EQ(got->comment.seq, store_->GetComment(id)->seq);
    EXPECT_EQ(got->comment.state, store_->GetComment(id)->state);
  }
  EXPECT_EQ(store_->GetCommentWithDepth("c_5")->depth, 5);
  EXPECT_EQ(store_->GetCommentWithDepth("c_none").status().code(), base::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, CountRevisionsCountsCurrentAndRefusedOnes) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  EXPECT_EQ(*store_->CountRevisions("c_1"), 1);
  for (const bool current : {false, true, false}) {
    ASSERT_TRUE(store_
                    ->UpdateComment("c_1",
                                    [&](Comment&) -> base::Result<CommentUpdateEffects> {
                                      Revision r;
                                      r.text = "edited";
                                      r.created_at = At(kDay0 + 60);
                                      r.became_current = current;
                                      CommentUpdateEffects effects;
                                      effects.revision = r;
                                      return effects;
                                    })
                    .ok());
  }
  EXPECT_EQ(*store_->CountRevisions("c_1"), 4);
  EXPECT_EQ(*store_->CountRevisions("c_1"),
            static_cast<int64_t>(store_->ListRevisions("c_1")->size()));
  EXPECT_EQ(*store_->CountRevisions("c_none"), 0);
}

TEST_P(StoreContractTest, IsWriterBannedMatchesEitherIpHashNameOrKeyInOneQuery) {
  Insert(MakeComment("c_1", "t", CommentState::kPublished));
  EXPECT_FALSE(*store_->IsWriterBanned("reader", "", "", ""));
  ASSERT_TRUE(store_
                  ->UpdateComment("c_1",
                                  [](Comment&) -> base::Result<CommentUpdateEffects> {
                                    CommentUpdateEffects effects;
                                    effects.ban = Ban{"spammer", "iphash_old", "mod1",
                                                      "",        At(kDay0),    "spammer_key"};
                                    return effects;
                                  })
                  .ok());
  EXPECT_TRUE(*store_->IsWriterBanned("spammer", "", "", ""));
  EXPECT_TRUE(*store_->IsWriterBanned("Spammer", "spammer_key", "", ""));
  EXPECT_TRUE(*store_->IsWriterBanned("new", "", "iphash_old", ""));
  EXPECT_TRUE(*store_->IsWriterBanned("new", "", "iphash_new", "iphash_old"));
  EXPECT_FALSE(*store_->IsWriterBanned("new", "new_key", "iphash_new", "iphash_other"));
  // Empty hashes and keys never match a ban that has none.
  ASSERT_TRUE(store_
                  ->UpdateComment("c_1",
                                  [](Comment&) -> base::Result<CommentUpdateEffects> {
                                    CommentUpdateEffects effects;
                                    effects.ban = Ban{"x", "", "mod1", "", At(kDay0)};
                                    return effects;
                                  })
                  .ok());
  EXPECT_FALSE(*store_->IsWriterBanned("reader", "", "", ""));
  // It agrees with two IsBanned calls, one per hash.
  for (const std::string prev : {"", "iphash_old", "iphash_z"}) {
    EXPECT_EQ(*store_->IsWriterBanned("reader", "k", "iphash_z", prev),
              *store_->IsBanned("reader", "k", "iphash_z") ||
                  (!prev.empty() && *store_->IsBanned("reader", "k", prev)));
  }
}

}  // namespace commentd::comments::testing
