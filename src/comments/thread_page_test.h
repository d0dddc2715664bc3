// Thread pages (CommentService::ListThread and AssembleThreadPage): removed
// placeholders, stable cursors, reply caps and the page budget.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comments/service_test_fixture.h"
#include "comments/thread_page.h"

namespace commentd::comments::testing {

TEST_P(CommentServiceTest, DeletedParentWithPublishedRepliesBecomesARemovedPlaceholder) {
  AddModerator();
  const PostResult parent = MustPostPublished("First: the border reopened today.");
  const PostResult reply = MustPostPublished("Reply: trade will follow.", parent.comment.id);
  const PostResult nested = MustPostPublished("Nested: maybe not soon.", reply.comment.id);
  const PostResult lonely = MustPostPublished("A comment nobody answered.");
  const auto results = MustAct(ModAction::kDelete, {parent.comment.id, lonely.comment.id});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].status.ok()) << results[0].status.ToString();
  EXPECT_TRUE(results[1].status.ok()) << results[1].status.ToString();

  const ThreadPage page = MustList(ThreadOf("nk/summit-2026"));
  EXPECT_EQ(page.published_count, 2);
  ASSERT_EQ(page.comments.size(), 1u);  // the lonely deleted comment is gone entirely
  const ThreadNode& placeholder = page.comments[0];
  EXPECT_EQ(placeholder.id, parent.comment.id);
  EXPECT_TRUE(placeholder.removed);
  EXPECT_TRUE(placeholder.author.empty());
  EXPECT_TRUE(placeholder.text.empty());
  ASSERT_EQ(placeholder.replies.size(), 1u);
  EXPECT_EQ(placeholder.replies[0].id, reply.comment.id);
  EXPECT_FALSE(placeholder.replies[0].removed);
  EXPECT_EQ(placeholder.replies[0].text, "Reply: trade will follow.");
  ASSERT_EQ(placeholder.replies[0].replies.size(), 1u);
  EXPECT_EQ(placeholder.replies[0].replies[0].id, nested.comment.id);

  // Hiding the only published descendants too removes the whole branch.
  MustAct(ModAction::kDelete, {reply.comment.id, nested.comment.id});
  EXPECT_TRUE(MustList(ThreadOf("nk/summit-2026")).comments.empty());
}

TEST_P(CommentServiceTest, PaginationCursorsStayStableUnderInserts) {
  std::vector<std::string> originals;
  int late = 0;
  for (int i = 0; i < 5; ++i) {
    originals.push_back(
        MustPostPublished(fmt::format("Comment number {} on the summit.", i)).comment.id);
    clock_->Advance(std::chrono::seconds(1));
  }
  for (SortOrder sort : {SortOrder::kOldest, SortOrder::kNewest}) {
    SCOPED_TRACE(sort == SortOrder::kOldest ? "oldest" : "newest");
    std::vector<std::string> seen;
    std::set<std::string> inserted;
    ThreadRequest request = ThreadOf("nk/summit-2026", 2, "", sort);
    for (int guard = 0; guard < 20; ++guard) {
      const ThreadPage page = MustList(request);
      for (const ThreadNode& n : page.comments) seen.push_back(n.id);
      // A new comment arrives between every two page loads.
      // Each a different text: the same text again and again is held as repetition.
      inserted.insert(
          MustPostPublished(fmt::format("A late arrival, number {}, joins the thread.", late++))
              .comment.id);
      if (!page.next_cursor.has_value()) break;
      request.after = *page.next_cursor;
    }
    const std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a comment was shown twice";
    std::vector<std::string> seen_originals;
    for (const std::string& id : seen) {
      if (!inserted.count(id)) seen_originals.push_back(id);
    }
    std::vector<std::string> expected = originals;
    if (sort == SortOrder::kNewest) std::reverse(expected.begin(), expected.end());
    // Originals only need to be a subsequence of what we saw; later arrivals
    // from an earlier pass of this loop are also in the thread.
    std::vector<std::string> filtered;
    for (const std::string& id : seen_originals) {
      if (std::find(originals.begin(), originals.end(), id) != originals.end())
        filtered.push_back(id);
    }
    EXPECT_EQ(filtered, expected);
  }
}

// A thread page is bounded with its replies: `replies` under each comment,
// the rest listed by parent from the comment's reply cursor, each once.
TEST_P(CommentServiceTest, RepliesAreCappedPerCommentAndListedByParentFromTheirCursor) {
  const std::string root =
      MustPostPublished("Who will inspect the factories next year?").comment.id;
  const char* kWords[] = {"apples",   "bridges",  "candles", "dolphins", "engines", "forests",
                          "glaciers", "harbours", "islands", "jungles",  "kettles", "lanterns"};
  std::vector<std::string> replies;
  for (const char* word : kWords) {
    replies.push_back(
        MustPostPublished(fmt::format("A reply about {} and nothing else.", word), root)
            .comment.id);
  }
  ThreadRequest first = ThreadOf("nk/summit-2026");
  first.replies = 3;
  const ThreadPage page = MustList(first);
  ASSERT_EQ(page.comments.size(), 1u);
  const ThreadNode& top = page.comments[0];
  EXPECT_EQ(top.reply_count, 12);
  ASSERT_EQ(top.replies.size(), 3u);
  ASSERT_TRUE(top.replies_cursor.has_value());
  std::vector<std::string> seen;
  for (const ThreadNode& r : top.replies) seen.push_back(r.id);
  std::optional<std::string> cursor = top.replies_cursor;
  for (int pages = 0; cursor.has_value(); ++pages) {
    ASSERT_LT(pages, 10);
    ThreadRequest more = ThreadOf("nk/summit-2026", 4, *cursor);
    more.parent = root;
    const ThreadPage next = MustList(more);
    for (const ThreadNode& r : next.comments) seen.push_back(r.id);
    cursor = next.next_cursor;
  }
  EXPECT_EQ(seen, replies);

  ThreadRequest too_many = ThreadOf("nk/summit-2026");
  too_many.replies = ServiceOptions{}.max_replies_per_comment + 1;
  EXPECT_EQ(services_.comments->ListThread(too_many).status().code(),
            base::StatusCode::kInvalidArgument);
  ThreadRequest unknown = ThreadOf("nk/summit-2026");
  unknown.parent = "c_unknown";
  EXPECT_EQ(services_.comments->ListThread(unknown).status().code(), base::StatusCode::kNotFound);
}

TEST_P(CommentServiceTest, APageHoldsAtMostMaxPageCommentsRepliesIncluded) {
  const std::string root =
      MustPostPublished("Who will inspect the factories next year?").comment.id;
  const std::string second = MustPostPublished("A second question about the wages.").comment.id;
  const char* kWords[] = {"apples", "bridges", "candles", "dolphins", "engines", "forests"};
  for (const char* word : kWords) {
    MustPostPublished(fmt::format("A reply about {} and nothing else.", word), root);
  }
  ServiceOptions options = FastOptions();
  options.max_page_comments = 5;
  auto small = Services::Create(store_, clock_, DefaultEngine(), options);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ThreadRequest request = ThreadOf("nk/summit-2026");
  request.replies = 100;
  auto page = small->comments->ListThread(request);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->comments.size(), 1u) << "the budget ends the page before the second comment";
  EXPECT_EQ(page->comments[0].replies.size(), 4u);
  EXPECT_EQ(page->comments[0].reply_count, 6);
  ASSERT_TRUE(page->next_cursor.has_value());
  request.after = *page->next_cursor;
  auto rest = small->comments->ListThread(request);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->comments.size(), 1u);
  EXPECT_EQ(rest->comments[0].id, second);
}

// `page` (or its error) as one comparable text.
inline std::string Render(const base::Result<ThreadPage>& page) {
  if (!page.ok()) return page.status().ToString();
  std::string out =
      fmt::format("published {} next {}\n", page->published_count, page->next_cursor.value_or("-"));
  const std::function<void(const ThreadNode&, int)> node = [&](const ThreadNode& n, int depth) {
    out += fmt::format("{:{}}{} removed {} author {} replies {} cursor {}\n", "", depth * 2, n.id,
                       n.removed, n.author, n.reply_count, n.replies_cursor.value_or("-"));
    for (const ThreadNode& r : n.replies) node(r, depth + 1);
  };
  for (const ThreadNode& n : page->comments) node(n, 0);
  return out;
}

TEST_P(CommentServiceTest, PagesReadFromSlicesEqualPagesAssembledFromTheWholeThread) {
  // A thread in every state: hidden comments with and without published
  // replies, runs of hidden top-level comments longer than a page (so the
  // service reads more than one batch of roots), replies several deep.
  std::vector<std::string> ids;
  uint32_t random = 17;
  const auto next = [&](uint32_t n) {
    random = random * 1103515245u + 12345u;
    return (random >> 16) % n;
  };
  for (int i = 0; i < 90; ++i) {
    const bool hidden_run = i >= 20 && i < 45;  // top-level, hidden, no replies
    CommentState state = CommentState::kPublished;
    if (hidden_run || next(4) == 0) state = CommentState::kHeld;
    if (!hidden_run && next(5) == 0) state = CommentState::kDeleted;
    Comment c = MakeComment(fmt::format("c_{:02}", i), "big", state);
    if (!hidden_run && !ids.empty() && next(5) < 3) c.parent_id = ids[next(ids.size())];
    ASSERT_TRUE(store_->InsertComment(c).ok());
    if (!hidden_run) ids.push_back(c.id);
  }
  auto all = store_->ListThread("big");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  const ServiceOptions options = FastOptions();
  const PageBudget budget{options.max_page_comments, options.max_page_bytes};
  const auto expect_same = [&](const ThreadRequest& request) {
    auto cursor = Cursor::Decode(request.after);
    const std::optional<Cursor> after =
        request.after.empty() || !cursor.ok() ? std::nullopt : std::optional<Cursor>(*cursor);
    const auto want = AssembleThreadPage(*all, request, after, budget);
    const auto got = services_.comments->ListThread(request);
    EXPECT_EQ(Render(got), Render(want))
        << "limit " << request.limit << " replies " << request.replies << " sort "
        << static_cast<int>(request.sort) << " parent " << request.parent.value_or("-") << " after "
        << request.after;
    return got.ok() ? got->next_cursor : std::nullopt;
  };
  std::vector<std::optional<std::string>> parents = {std::nullopt, "c_nothing"};
  for (int i = 0; i < 90; ++i) parents.push_back(fmt::format("c_{:02}", i));
  for (const auto& parent : parents) {
    for (SortOrder sort : {SortOrder::kOldest, SortOrder::kNewest}) {
      for (int limit : {1, 3, 8}) {
        for (int replies : {0, 2}) {
          ThreadRequest request = ThreadOf("big", limit, "", sort);
          request.replies = replies;
          request.parent = parent;
          // Every page of the listing, then a cursor past its end.
          for (int pages = 0; pages < 100; ++pages) {
            const std::optional<std::string> next_cursor = expect_same(request);
            if (!next_cursor.has_value()) break;
            request.after = *next_cursor;
          }
          request.after =
              Cursor{sort == SortOrder::kOldest || parent.has_value() ? 1000000 : 1}.Encode();
          expect_same(request);
        }
      }
    }
  }
}

}  // namespace commentd::comments::testing
