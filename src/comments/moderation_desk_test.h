// ModerationDesk: moderators' actions, their audit entries, queues and statistics.
#pragma once

#include <gtest/gtest.h>

#include "comments/service_test_fixture.h"

namespace commentd::comments::testing {

// Issue 12 finding 9: approve and restore act on the revision the moderator
// looked at; a comment edited since is a conflict and stays in its queue.
TEST_P(CommentServiceTest, ActionsNamingAnOlderRevisionConflictAndChangeNothing) {
  AddModerator();
  moderation::Policy policy = moderation::Policy::Default();
  policy.link.action = moderation::Decision::kHold;
  auto engine = moderation::Moderator::Create(policy);
  ASSERT_TRUE(engine.ok());
  services_.policy->SetEngine(*engine);
  const PostResult held = MustPost(Request("Seen by the moderator: example.org"));
  ASSERT_EQ(held.comment.state, CommentState::kHeld);
  ASSERT_EQ(held.comment.revision, 1);
  // The writer edits after the moderator loaded the queue (still held).
  ASSERT_TRUE(services_.comments
                  ->Edit(held.comment.id, held.edit_token, "Edited since: other.example.com", "")
                  .ok());
  const size_t audit_before = services_.desk->ListAudit(50, "")->items.size();

  ActRequest approve{ModAction::kApprove, {held.comment.id}, "mod1", "", {}};
  approve.revisions[held.comment.id] = 1;
  auto stale = services_.desk->Act(approve);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(stale->at(0).status.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(stale->at(0).stale);
  EXPECT_NE(stale->at(0).status.message().find("revision 2"), std::string::npos)
      << stale->at(0).status.message();
  auto still = store_->GetComment(held.comment.id);
  EXPECT_EQ(still->state, CommentState::kHeld);
  EXPECT_EQ(still->revision, 2);
  EXPECT_EQ(services_.desk->ListQueue(Queue::kHeld, 10, "")->items.at(0).id, held.comment.id);
  EXPECT_EQ(services_.desk->ListAudit(50, "")->items.size(), audit_before);

  // With the revision now shown, approve publishes exactly that text.
  approve.revisions[held.comment.id] = 2;
  auto ok = services_.desk->Act(approve);
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->at(0).status.ok()) << ok->at(0).status.ToString();
  EXPECT_FALSE(ok->at(0).stale);
  EXPECT_EQ(ok->at(0).revision, 2);
  EXPECT_EQ(store_->GetComment(held.comment.id)->state, CommentState::kPublished);
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.at(0).text,
            "Edited since: other.example.com");

  // Restore the same way: a comment the engine deleted and its writer then
  // rewrote is restored only at the revision the moderator saw.
  services_.policy->SetEngine(DefaultEngine());
  const PostResult deleted = MustPost(Request(kLinkText, "writer2"));
  ASSERT_EQ(deleted.comment.state, CommentState::kDeleted);
  ASSERT_TRUE(
      services_.comments->Edit(deleted.comment.id, deleted.edit_token, "Now see x.example.net", "")
          .ok());
  ActRequest restore{ModAction::kRestore, {deleted.comment.id}, "mod1", "", {}};
  restore.revisions[deleted.comment.id] = 1;
  EXPECT_TRUE(services_.desk->Act(restore)->at(0).stale);
  EXPECT_EQ(store_->GetComment(deleted.comment.id)->state, CommentState::kDeleted);
  restore.revisions[deleted.comment.id] = 2;
  ASSERT_TRUE(services_.desk->Act(restore)->at(0).status.ok());
  EXPECT_EQ(store_->GetComment(deleted.comment.id)->text, "Now see x.example.net");
  EXPECT_EQ(store_->GetComment(deleted.comment.id)->state, CommentState::kPublished);

  // A revision number below 1 is a bad request, not a conflict.
  restore.revisions[deleted.comment.id] = 0;
  EXPECT_EQ(services_.desk->Act(restore).status().code(), base::StatusCode::kInvalidArgument);
}

TEST_P(CommentServiceTest, EveryActionIsAudited) {
  AddModerator();
  const PostResult a = MustPostPublished("Comment A about the talks.");
  const PostResult b = MustPostPublished("Comment B about the talks.");
  const PostResult c = MustPostPublished("Comment C about the talks.");
  // D's writer is not the banned one (a ban also ends editing).
  PostRequest d_request = Request("Comment D about the talks.", "another-reader");
  d_request.ip = "192.0.2.44";
  const PostResult d = MustPost(d_request);
  MustAct(ModAction::kDelete, {a.comment.id}, "off topic");
  MustAct(ModAction::kRestore, {a.comment.id}, "on reflection fine");
  ASSERT_TRUE(services_.comments->Report(b.comment.id, "rude", "192.0.2.5").ok());
  MustAct(ModAction::kApprove, {b.comment.id}, "reviewed");
  MustAct(ModAction::kBan, {c.comment.id}, "spam");
  ASSERT_TRUE(
      services_.comments->Edit(d.comment.id, d.edit_token, "Comment D, corrected.", "").ok());
  ASSERT_TRUE(services_.comments->Delete(d.comment.id, d.edit_token).ok());
  ASSERT_TRUE(services_.accounts->AddAccount("mod2", "another password").ok());
  ASSERT_TRUE(services_.accounts->RemoveAccount("mod2").ok());

  auto audit = services_.desk->ListAudit(50, "");
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  std::vector<std::string> actions;
  for (const AuditEntry& e : audit->items) {
    actions.push_back(fmt::format("{} {} {} {}", AuditActionName(e.action), e.moderator,
                                  e.comment_id.empty() ? e.author : e.comment_id, e.reason));
  }
  const std::vector<std::string> expected = {
      fmt::format("moderator_remove cli mod2 "),
      fmt::format("moderator_add cli mod2 "),
      fmt::format("author_delete author {} ", d.comment.id),
      fmt::format("author_edit author {} publish", d.comment.id),
      fmt::format("ban mod1 {} spam", c.comment.id),
      fmt::format("approve mod1 {} reviewed", b.comment.id),
      fmt::format("restore mod1 {} on reflection fine", a.comment.id),
      fmt::format("delete mod1 {} off topic", a.comment.id),
      fmt::format("moderator_add cli mod1 "),
  };
  EXPECT_EQ(actions, expected);
  EXPECT_EQ(audit->items[0].at, clock_->Now());

  // Paging the audit log visits every entry once.
  std::vector<int64_t> ids;
  std::string after;
  for (int guard = 0; guard < 20; ++guard) {
    auto page = services_.desk->ListAudit(4, after);
    ASSERT_TRUE(page.ok());
    for (const AuditEntry& e : page->items) ids.push_back(e.id);
    if (!page->next.has_value()) break;
    after = page->next->Encode();
  }
  EXPECT_EQ(ids.size(), expected.size());
}

TEST_P(CommentServiceTest, ActionsReportPerCommentResults) {
  AddModerator();
  const PostResult held_free = MustPostPublished(kCleanText);
  const auto results = MustAct(ModAction::kRestore, {held_free.comment.id, "c_doesnotexist"});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id, held_free.comment.id);
  EXPECT_EQ(results[0].status.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(results[1].status.code(), base::StatusCode::kNotFound);
  EXPECT_EQ(MustAct(ModAction::kApprove, {held_free.comment.id})[0].status.code(),
            base::StatusCode::kFailedPrecondition);  // published and never reported
  auto unknown_mod =
      services_.desk->Act(ActRequest{ModAction::kDelete, {held_free.comment.id}, "ghost", "", {}});
  EXPECT_EQ(unknown_mod.status().code(), base::StatusCode::kInvalidArgument);
  auto no_ids = services_.desk->Act(ActRequest{ModAction::kDelete, {}, "mod1", "", {}});
  EXPECT_EQ(no_ids.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_TRUE(services_.desk->ListAudit(10, "")->items.size() == 1u);  // only the account creation
}

TEST_P(CommentServiceTest, ReportedCommentsWaitInTheReportedQueueUntilDecided) {
  AddModerator();
  const PostResult posted = MustPostPublished(kCleanText);
  ASSERT_TRUE(services_.comments->Report(posted.comment.id, "this is rude", "192.0.2.8").ok());
  ASSERT_TRUE(services_.comments->Report(posted.comment.id, "", "").ok());
  auto reported = services_.desk->ListQueue(Queue::kReported, 10, "");
  ASSERT_TRUE(reported.ok());
  ASSERT_EQ(reported->items.size(), 1u);
  EXPECT_EQ(reported->items[0].open_reports, 2);
  MustAct(ModAction::kApprove, {posted.comment.id});
  EXPECT_TRUE(services_.desk->ListQueue(Queue::kReported, 10, "")->items.empty());
  EXPECT_EQ(store_->GetComment(posted.comment.id)->DecidedByName(), "mod1");

  const PostResult deleted = MustPost(Request(kLinkText));
  EXPECT_EQ(services_.comments->Report(deleted.comment.id, "x", "").code(),
            base::StatusCode::kNotFound);
  EXPECT_EQ(services_.comments->Report("c_nothing", "x", "").code(), base::StatusCode::kNotFound);
  EXPECT_EQ(services_.comments->Report(posted.comment.id, std::string(501, 'x'), "").code(),
            base::StatusCode::kInvalidArgument);
}

TEST_P(CommentServiceTest, StatsCountEngineDecisionsPerDayIncludingEmptyDays) {
  MustPost(Request(kCleanText));
  MustPost(Request(kLinkText));
  clock_->Advance(std::chrono::hours(48));
  MustPost(Request(kLinkText));
  auto stats = services_.desk->Stats(3);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->size(), 3u);
  const int64_t today = base::ToUnixMicros(clock_->Now()) / (86400LL * 1000000);
  EXPECT_EQ((*stats)[0].day, today - 2);
  EXPECT_EQ((*stats)[0].publish, 1);
  EXPECT_EQ((*stats)[0].del, 1);
  EXPECT_EQ((*stats)[0].link, 1);
  EXPECT_EQ((*stats)[1].day, today - 1);
  EXPECT_EQ((*stats)[1].publish + (*stats)[1].hold + (*stats)[1].del, 0);
  EXPECT_EQ((*stats)[2].day, today);
  EXPECT_EQ((*stats)[2].del, 1);
  EXPECT_EQ(base::FormatDate(base::FromUnixMicros((*stats)[2].day * 86400LL * 1000000)),
            "2026-03-03");
  EXPECT_EQ(services_.desk->Stats(0).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(services_.desk->Stats(366).status().code(), base::StatusCode::kInvalidArgument);
}

}  // namespace commentd::comments::testing
