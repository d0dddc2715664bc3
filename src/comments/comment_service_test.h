// CommentService behaviour, as one parameterized suite (CommentServiceTest,
// see service_test_fixture.h) over the store backends: posting, editing,
// deleting, reporting and repetition here; the other services' tests are in
// the headers included below, so that a backend instantiates them all at
// once.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "comments/account_service_test.h"
#include "comments/keyed_hash_test.h"
#include "comments/moderation_desk_test.h"
#include "comments/policy_service_test.h"
#include "comments/service_test_fixture.h"
#include "comments/thread_page_test.h"
#include "comments/writer_test.h"

namespace commentd::comments::testing {

TEST_P(CommentServiceTest, CleanCommentIsPublishedWithAnEditToken) {
  const PostResult r = MustPost(Request(kCleanText));
  EXPECT_EQ(r.verdict.decision, moderation::Decision::kPublish);
  EXPECT_EQ(r.comment.state, CommentState::kPublished);
  EXPECT_EQ(r.comment.id.substr(0, 2), "c_");
  EXPECT_EQ(r.comment.id.size(), 22u);
  EXPECT_GE(r.edit_token.size(), 40u);
  EXPECT_TRUE(r.message.empty());
  EXPECT_EQ(r.comment.created_at, clock_->Now());
  EXPECT_EQ(r.comment.DecidedByName(), "engine");
  // Neither the token nor the address is stored as given.
  EXPECT_NE(r.comment.edit_token_hash, r.edit_token);
  EXPECT_EQ(r.comment.author.ip_hash, services_.hasher->HashIp("203.0.113.7").current);
  EXPECT_EQ(r.comment.author.ip_hash.find("203.0.113.7"), std::string::npos);
  auto counts = services_.comments->Counts({"nk/summit-2026", "other"});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("nk/summit-2026"), 1);
  EXPECT_EQ(counts->at("other"), 0);
}

TEST_P(CommentServiceTest, CommentWithALinkIsDeletedButKeptWithItsReasons) {
  PostRequest request = Request(kLinkText);
  request.lang = "ko";
  const PostResult r = MustPost(request);
  EXPECT_EQ(r.verdict.decision, moderation::Decision::kDelete);
  EXPECT_EQ(r.comment.state, CommentState::kDeleted);
  ASSERT_FALSE(r.comment.reasons.empty());
  bool found_link = false;
  for (const moderation::Reason& reason : r.comment.reasons) {
    if (reason.rule != moderation::Rule::kLink) continue;
    found_link = true;
    EXPECT_EQ(std::string(kLinkText).substr(reason.span.begin, reason.span.size()), reason.match);
  }
  EXPECT_TRUE(found_link);
  EXPECT_NE(r.message.find("링크"), std::string::npos) << r.message;
  auto stored = store_->GetComment(r.comment.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->text, kLinkText);
  EXPECT_EQ(stored->reasons.size(), r.verdict.reasons.size());
  auto deleted = services_.desk->ListQueue(Queue::kDeleted, 10, "");
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->items.size(), 1u);
  EXPECT_EQ(deleted->items[0].id, r.comment.id);
  EXPECT_TRUE(MustList(ThreadOf("nk/summit-2026")).comments.empty());
}

TEST_P(CommentServiceTest, HoldPolicyPutsTheCommentInTheHeldQueue) {
  moderation::Policy policy = moderation::Policy::Default();
  policy.link.action = moderation::Decision::kHold;
  auto engine = moderation::Moderator::Create(policy);
  ASSERT_TRUE(engine.ok());
  services_.policy->SetEngine(*engine);
  const PostResult r = MustPost(Request(kLinkText));
  EXPECT_EQ(r.comment.state, CommentState::kHeld);
  EXPECT_FALSE(r.message.empty());
  auto held = services_.desk->ListQueue(Queue::kHeld, 10, "");
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->items.size(), 1u);
  EXPECT_EQ(held->items[0].id, r.comment.id);
}

TEST_P(CommentServiceTest, ARetryWithTheSameIdempotencyKeyStoresNothingNew) {
  PostRequest request = Request("The border crossing reopened this morning.");
  request.idempotency_key = "k-3f9a1c77e2b44d0a";
  const PostResult first = MustPost(request);
  EXPECT_FALSE(first.replayed);
  const PostResult again = MustPost(request);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.comment.id, first.comment.id);
  EXPECT_EQ(again.edit_token, first.edit_token);  // the writer can still edit
  EXPECT_EQ(again.comment.state, CommentState::kPublished);
  EXPECT_EQ(services_.comments->Counts({"nk/summit-2026"})->at("nk/summit-2026"), 1);
  EXPECT_TRUE(
      services_.comments->Edit(first.comment.id, again.edit_token, "Edited after a retry.", "")
          .ok());

  // A deleted comment replays as deleted, with its reasons.
  PostRequest link = Request(kLinkText);
  link.idempotency_key = "k-8d01e5b2a9c6f347";
  const PostResult deleted = MustPost(link);
  const PostResult deleted_again = MustPost(link);
  EXPECT_TRUE(deleted_again.replayed);
  EXPECT_EQ(deleted_again.verdict.decision, moderation::Decision::kDelete);
  EXPECT_EQ(deleted_again.verdict.reasons.size(), deleted.verdict.reasons.size());

  // The key is per thread and author; another author's comment is new.
  PostRequest other = request;
  other.author = "another reader";
  EXPECT_FALSE(MustPost(other).replayed);
  EXPECT_EQ(services_.comments->Counts({"nk/summit-2026"})->at("nk/summit-2026"), 2);

  // The same key for a different text is refused; short keys are refused.
  PostRequest changed = request;
  changed.text = "Something else entirely.";
  EXPECT_EQ(services_.comments->Post(changed).status().code(),
            base::StatusCode::kFailedPrecondition);
  PostRequest short_key = Request("Another comment with a short key.");
  short_key.idempotency_key = "abc";
  auto refused = services_.comments->Post(short_key);
  EXPECT_EQ(refused.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("Idempotency-Key"), std::string::npos);
  EXPECT_EQ(services_.comments->Counts({"nk/summit-2026"})->at("nk/summit-2026"), 2);
}

TEST_P(CommentServiceTest, InvalidInputNamesTheField) {
  const PostResult parent = MustPostPublished(kCleanText, {}, "other-thread");
  struct Case {
    std::string field;
    std::function<void(PostRequest&)> spoil;
  };
  const std::vector<Case> cases = {
      {"thread", [](PostRequest& r) { r.thread = ""; }},
      {"thread", [](PostRequest& r) { r.thread = "has space"; }},
      {"thread", [](PostRequest& r) { r.thread = std::string(201, 'a'); }},
      {"author", [](PostRequest& r) { r.author = "   "; }},
      {"author", [](PostRequest& r) { r.author = std::string(65, 'a'); }},
      {"author", [](PostRequest& r) { r.author = "bad\xC3\x28name"; }},
      {"author", [](PostRequest& r) { r.author = "tab\x01name"; }},
      {"text", [](PostRequest& r) { r.text = ""; }},
      {"text", [](PostRequest& r) { r.text = " \n\t "; }},
      {"text", [](PostRequest& r) { r.text = std::string(5001, 'a'); }},
      {"text", [](PostRequest& r) { r.text = "bad \xC3\x28 utf-8"; }},
      {"lang", [](PostRequest& r) { r.lang = "fr"; }},
      {"parent_id", [](PostRequest& r) { r.parent_id = "c_nosuchcomment"; }},
      {"parent_id", [&](PostRequest& r) { r.parent_id = parent.comment.id; }},  // other thread
  };
  for (const Case& c : cases) {
    PostRequest request = Request(kCleanText);
    c.spoil(request);
    SCOPED_TRACE(c.field + ": " + request.thread.substr(0, 20) + " / " +
                 request.author.substr(0, 20));
    auto r = services_.comments->Post(request);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().substr(0, c.field.size() + 1), c.field + ":")
        << r.status().message();
  }
  EXPECT_EQ(services_.comments->Counts({"nk/summit-2026"})->at("nk/summit-2026"), 0);
  auto bad_cursor = services_.comments->ListThread(ThreadOf("nk/summit-2026", 10, "garbage"));
  EXPECT_EQ(bad_cursor.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_cursor.status().message().substr(0, 6), "after:");
  auto bad_limit = services_.comments->ListThread(ThreadOf("nk/summit-2026", 0));
  EXPECT_EQ(bad_limit.status().message().substr(0, 6), "limit:");
  auto bad_key = services_.comments->Counts({"ok", "not ok"});
  EXPECT_EQ(bad_key.status().message().substr(0, 11), "threads[1]:");
}

TEST_P(CommentServiceTest, ReplyToAHiddenCommentIsRefused) {
  const PostResult deleted = MustPost(Request(kLinkText));
  ASSERT_EQ(deleted.comment.state, CommentState::kDeleted);
  PostRequest reply = Request(kCleanText);
  reply.parent_id = deleted.comment.id;
  auto r = services_.comments->Post(reply);
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().substr(0, 10), "parent_id:");
}

TEST_P(CommentServiceTest, EditWithinTheWindowIsModeratedAgain) {
  AddModerator();
  const PostResult posted = MustPost(Request(kLinkText));
  ASSERT_EQ(posted.comment.state, CommentState::kDeleted);
  clock_->Advance(std::chrono::minutes(15));  // the last allowed moment
  auto edited = services_.comments->Edit(posted.comment.id, posted.edit_token,
                                         "Still see spam.example.com", "");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->verdict.decision, moderation::Decision::kDelete);
  EXPECT_EQ(edited->comment.state, CommentState::kDeleted);
  // Not published, so the new text replaces it (the old one stays a revision).
  EXPECT_EQ(edited->comment.text, "Still see spam.example.com");
  EXPECT_EQ(edited->comment.revision, 2);
  EXPECT_EQ(edited->comment.edited_at, std::optional<base::Time>(clock_->Now()));
  EXPECT_FALSE(edited->message.empty());
  // Deleted by the engine, the writer may still fix it within the window.
  auto fixed = services_.comments->Edit(posted.comment.id, posted.edit_token, kCleanText, "en");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->comment.state, CommentState::kPublished);
  EXPECT_EQ(fixed->comment.revision, 3);
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.at(0).edited_at,
            std::optional<base::Time>(clock_->Now()));
}

// Issue 12 finding 0: a refused edit used to replace the published text
// and hide the comment, and a moderator's restore then published the
// refused text.
TEST_P(CommentServiceTest, RefusedEditOfAPublishedCommentLeavesThePublishedRevisionInPlace) {
  AddModerator();
  const PostResult posted = MustPostPublished(kCleanText);
  clock_->Advance(std::chrono::minutes(1));
  auto edited = services_.comments->Edit(posted.comment.id, posted.edit_token, kLinkText, "");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  // The writer hears of the refusal...
  EXPECT_EQ(edited->verdict.decision, moderation::Decision::kDelete);
  EXPECT_TRUE(edited->edit_refused);
  EXPECT_NE(edited->message.find("earlier version of your comment stays published"),
            std::string::npos)
      << edited->message;
  // ...while readers keep the published text.
  EXPECT_EQ(edited->comment.state, CommentState::kPublished);
  EXPECT_EQ(edited->comment.text, kCleanText);
  const ThreadPage page = MustList(ThreadOf("nk/summit-2026"));
  ASSERT_EQ(page.comments.size(), 1u);
  EXPECT_EQ(page.comments[0].text, kCleanText);
  EXPECT_EQ(page.published_count, 1);
  auto stored = store_->GetComment(posted.comment.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, CommentState::kPublished);
  EXPECT_EQ(stored->text, kCleanText);
  EXPECT_EQ(stored->engine_decision, moderation::Decision::kPublish);
  EXPECT_TRUE(stored->reasons.empty());
  EXPECT_EQ(stored->revision, 1);

  // The refused text is kept, with its verdict, for moderators.
  auto revisions = services_.desk->ListRevisions(posted.comment.id);
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  EXPECT_EQ(revisions->comment.revision, 1);
  ASSERT_EQ(revisions->revisions.size(), 2u);
  EXPECT_EQ(revisions->revisions[0].text, kCleanText);
  EXPECT_TRUE(revisions->revisions[0].became_current);
  EXPECT_EQ(revisions->revisions[1].number, 2);
  EXPECT_EQ(revisions->revisions[1].text, kLinkText);
  EXPECT_EQ(revisions->revisions[1].engine_decision, moderation::Decision::kDelete);
  EXPECT_FALSE(revisions->revisions[1].reasons.empty());
  EXPECT_FALSE(revisions->revisions[1].became_current);
  EXPECT_EQ(revisions->revisions[1].created_at, clock_->Now());
  auto audit = services_.desk->ListAudit(1, "");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_EQ(audit->items[0].action, AuditAction::kAuthorEdit);
  EXPECT_EQ(audit->items[0].reason, "refused: delete; revision 1 stays published");

  // A moderator who deletes and then restores it publishes the text they
  // saw, never the refused one; naming the refused revision is a conflict.
  ASSERT_TRUE(MustAct(ModAction::kDelete, {posted.comment.id}).at(0).status.ok());
  ActRequest restore_refused{ModAction::kRestore, {posted.comment.id}, "mod1", "", {}};
  restore_refused.revisions[posted.comment.id] = 2;
  auto conflict = services_.desk->Act(restore_refused);
  ASSERT_TRUE(conflict.ok()) << conflict.status().ToString();
  EXPECT_EQ(conflict->at(0).status.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(conflict->at(0).stale);
  EXPECT_EQ(store_->GetComment(posted.comment.id)->state, CommentState::kDeleted);
  const auto restored = MustAct(ModAction::kRestore, {posted.comment.id});
  ASSERT_TRUE(restored.at(0).status.ok()) << restored.at(0).status.ToString();
  EXPECT_EQ(restored.at(0).revision, 1);
  EXPECT_EQ(store_->GetComment(posted.comment.id)->text, kCleanText);
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.at(0).text, kCleanText);

  // An accepted edit becomes the current revision after the refused one.
  auto fixed =
      services_.comments->Edit(posted.comment.id, posted.edit_token, "A corrected comment.", "");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->comment.state, CommentState::kPublished);
  EXPECT_EQ(fixed->comment.revision, 3);
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.at(0).text, "A corrected comment.");
}

TEST_P(CommentServiceTest, HeldEditOfAPublishedCommentIsKeptBesideIt) {
  moderation::Policy policy = moderation::Policy::Default();
  policy.link.action = moderation::Decision::kHold;
  auto engine = moderation::Moderator::Create(policy);
  ASSERT_TRUE(engine.ok());
  services_.policy->SetEngine(*engine);
  const PostResult posted = MustPostPublished(kCleanText);
  auto edited = services_.comments->Edit(posted.comment.id, posted.edit_token, kLinkText, "");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->verdict.decision, moderation::Decision::kHold);
  EXPECT_EQ(edited->comment.state, CommentState::kPublished);
  EXPECT_EQ(store_->GetComment(posted.comment.id)->text, kCleanText);
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.at(0).text, kCleanText);
  auto revisions = services_.desk->ListRevisions(posted.comment.id);
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->revisions.size(), 2u);
  EXPECT_EQ(revisions->revisions[1].engine_decision, moderation::Decision::kHold);
  EXPECT_FALSE(revisions->revisions[1].became_current);
  EXPECT_EQ(services_.desk->ListRevisions("c_unknown").status().code(),
            base::StatusCode::kNotFound);
}

TEST_P(CommentServiceTest, EditsStopAtTheMostRevisionsKept) {
  ServiceOptions options = FastOptions();
  options.max_revisions = 3;
  auto capped = Services::Create(store_, clock_, DefaultEngine(), options);
  ASSERT_TRUE(capped.ok()) << capped.status().ToString();
  const PostResult posted = MustPostPublished(kCleanText);
  ASSERT_TRUE(
      capped->comments->Edit(posted.comment.id, posted.edit_token, "Second version.", "").ok());
  // A refused edit is a revision too.
  ASSERT_TRUE(capped->comments->Edit(posted.comment.id, posted.edit_token, kLinkText, "").ok());
  auto fourth = capped->comments->Edit(posted.comment.id, posted.edit_token, "Fourth version.", "");
  EXPECT_EQ(fourth.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetComment(posted.comment.id)->text, "Second version.");
  EXPECT_EQ(store_->ListRevisions(posted.comment.id)->size(), 3u);
  options.max_revisions = 0;
  EXPECT_EQ(Services::Create(store_, clock_, DefaultEngine(), options).status().code(),
            base::StatusCode::kInvalidArgument);
}

TEST_P(CommentServiceTest, EditAfterTheWindowIsRefused) {
  const PostResult posted = MustPostPublished(kCleanText);
  clock_->Advance(std::chrono::minutes(15) + std::chrono::microseconds(1));
  auto edited =
      services_.comments->Edit(posted.comment.id, posted.edit_token, "Changed my mind.", "");
  EXPECT_EQ(edited.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(services_.comments->Delete(posted.comment.id, posted.edit_token).code(),
            base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetComment(posted.comment.id)->text, kCleanText);
}

TEST_P(CommentServiceTest, WrongEditTokenIsPermissionDenied) {
  const PostResult posted = MustPostPublished(kCleanText);
  const PostResult other = MustPostPublished("Another reader's comment.");
  for (const std::string& token : {std::string("wrong"), std::string(""), other.edit_token}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(services_.comments->Edit(posted.comment.id, token, "Hijacked.", "").status().code(),
              base::StatusCode::kPermissionDenied);
    EXPECT_EQ(services_.comments->Delete(posted.comment.id, token).code(),
              base::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(services_.comments->Edit("c_unknown", posted.edit_token, "x", "").status().code(),
            base::StatusCode::kNotFound);
  auto stored = store_->GetComment(posted.comment.id);
  EXPECT_EQ(stored->text, kCleanText);
  EXPECT_EQ(stored->state, CommentState::kPublished);
}

TEST_P(CommentServiceTest, AuthorDeleteHidesTheCommentAndEndsEditing) {
  const PostResult posted = MustPostPublished(kCleanText);
  ASSERT_TRUE(services_.comments->Delete(posted.comment.id, posted.edit_token).ok());
  auto stored = store_->GetComment(posted.comment.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, CommentState::kDeleted);
  EXPECT_EQ(stored->DecidedByName(), "author");
  EXPECT_TRUE(MustList(ThreadOf("nk/summit-2026")).comments.empty());
  EXPECT_EQ(services_.comments->Edit(posted.comment.id, posted.edit_token, kCleanText, "")
                .status()
                .code(),
            base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(services_.comments->Delete(posted.comment.id, posted.edit_token).code(),
            base::StatusCode::kFailedPrecondition);
}

TEST_P(CommentServiceTest, SameTextPostedAgainAndAgainIsHeldAsRepetition) {
  // Three copies in the window, by different authors from different
  // addresses, spelled differently (case, spacing, punctuation, fullwidth):
  // the third is held with reason advertisement/repeated_comment.
  const char* kCopies[] = {
      "Earn money at home, ask me how!",
      "EARN MONEY AT HOME... ask me how",
      "\uFF25arn  money at home ask me how!!!",  // fullwidth E
      "earn money at home ask me how",
  };
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(kCopies[i]);
    PostRequest r = Request(kCopies[i], "writer" + std::to_string(i));
    r.ip = "192.0.2." + std::to_string(i + 10);
    const PostResult posted = MustPost(r);
    const bool repeated = std::any_of(posted.verdict.reasons.begin(), posted.verdict.reasons.end(),
                                      [](const moderation::Reason& reason) {
                                        return reason.rule == moderation::Rule::kAdvertisement &&
                                               reason.detail == "repeated_comment";
                                      });
    EXPECT_EQ(repeated, i >= 2);
    EXPECT_EQ(posted.comment.state, i >= 2 ? CommentState::kHeld : CommentState::kPublished);
    if (i >= 2) {
      EXPECT_EQ(posted.verdict.reasons.front().span,
                (text::Span{0, static_cast<uint32_t>(posted.comment.text.size())}));
      EXPECT_EQ(posted.verdict.reasons.front().action, moderation::Decision::kHold);
      EXPECT_FALSE(posted.message.empty());
    }
    clock_->Advance(std::chrono::minutes(1));
  }
  // Outside the window the count starts again.
  clock_->Advance(std::chrono::minutes(11));
  EXPECT_EQ(MustPost(Request(kCopies[0], "late")).comment.state, CommentState::kPublished);
  // Short texts ("Agreed!") are said by many readers and never count.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(MustPost(Request("Agreed!", "r" + std::to_string(i))).comment.state,
              CommentState::kPublished);
  }
}

TEST_P(CommentServiceTest, EditIntoARepeatedTextIsHeldToo) {
  for (int i = 0; i < 2; ++i) MustPostPublished("The factory report from Helong was thorough.");
  const PostResult posted = MustPostPublished("A genuinely different comment here.");
  auto edited = services_.comments->Edit(posted.comment.id, posted.edit_token,
                                         "the factory report from HELONG was thorough", "");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->verdict.decision, moderation::Decision::kHold);
  EXPECT_EQ(edited->verdict.reasons.at(0).detail, "repeated_comment");
  // A held edit of a published comment is kept as a revision; readers keep the original.
  EXPECT_EQ(edited->comment.state, CommentState::kPublished);
  EXPECT_EQ(edited->comment.text, "A genuinely different comment here.");
}

TEST_P(CommentServiceTest, AnIdempotencyKeyGivesTheEditTokenOnlyToTheSameClient) {
  PostRequest request = Request("The border crossing reopened this morning.");
  request.idempotency_key = "k-5e1d0c9b8a7f6e5d";
  const PostResult first = MustPost(request);
  PostRequest stranger = request;
  stranger.ip = "192.0.2.200";
  auto stolen = services_.comments->Post(stranger);
  EXPECT_EQ(stolen.status().code(), base::StatusCode::kFailedPrecondition)
      << (stolen.ok() ? stolen->edit_token : stolen.status().ToString());
  const PostResult again = MustPost(request);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.edit_token, first.edit_token);
  EXPECT_EQ(services_.comments->Counts({"nk/summit-2026"})->at("nk/summit-2026"), 1);
}

TEST_P(CommentServiceTest, RepeatedReportsFromOneAddressCountOnce) {
  const PostResult posted = MustPostPublished(kCleanText);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(services_.comments->Report(posted.comment.id, "spam", "192.0.2.8").ok());
  }
  ASSERT_TRUE(services_.comments->Report(posted.comment.id, "rude", "192.0.2.9").ok());
  EXPECT_EQ(store_->GetComment(posted.comment.id)->open_reports, 2);
}

TEST_P(CommentServiceTest, MessagesExplainInTheWritersLanguage) {
  const moderation::Verdict deleted = services_.policy->engine()->Evaluate(kLinkText);
  ASSERT_EQ(deleted.decision, moderation::Decision::kDelete);
  std::set<std::string> messages;
  for (std::string_view lang : {"en", "ko", "zh", "ja"}) {
    const std::string m = ExplainVerdict(deleted, lang);
    EXPECT_FALSE(m.empty()) << lang;
    messages.insert(m);
  }
  EXPECT_EQ(messages.size(), 4u);
  EXPECT_EQ(ExplainVerdict(deleted, "fr"), ExplainVerdict(deleted, "en"));
  EXPECT_EQ(ExplainVerdict(deleted, "ja-JP"), ExplainVerdict(deleted, "ja"));
  EXPECT_NE(ExplainVerdict(deleted, "en").find("a link"), std::string::npos);
  auto check = services_.comments->Check(kCleanText, "en");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->verdict.decision, moderation::Decision::kPublish);
  EXPECT_TRUE(check->message.empty());
}

TEST_P(CommentServiceTest, RepliesNestAtMostMaxReplyDepthDeep) {
  std::string parent = MustPostPublished("Depth 0 of a long back and forth.").comment.id;
  for (int depth = 1; depth <= kMaxReplyDepth; ++depth) {
    parent =
        MustPostPublished(fmt::format("Reply number {} in a long back and forth.", depth), parent)
            .comment.id;
  }
  PostRequest too_deep = Request("One reply deeper than the thread may go.");
  too_deep.parent_id = parent;
  auto refused = services_.comments->Post(too_deep);
  EXPECT_EQ(refused.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().substr(0, 10), "parent_id:") << refused.status().message();
}

}  // namespace commentd::comments::testing
