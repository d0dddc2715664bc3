// A page of a thread as readers see it: top-level comments (or the direct
// replies of one comment) with their replies nested, each hidden comment
// that has published replies shown as a removed placeholder, bounded in
// comments and bytes. AssembleThreadPage builds it from the thread's
// comments; CommentService::ListThread validates the request and reads
// only the slice of the thread the page needs (Store::ListThreadSlice).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "comments/comment.h"

namespace commentd::comments {

struct ThreadRequest {
  std::string thread;
  int limit = 50;     // top-level comments (or replies of `parent`) per page, 1..max_page_size
  std::string after;  // an encoded Cursor from a previous page, or empty
  SortOrder sort = SortOrder::kOldest;
  // Replies shown under each comment, at every depth, oldest first
  // (0..max_replies_per_comment); ThreadNode::reply_count tells how many
  // there are, and the rest are listed with `parent`.
  int replies = 5;
  // When set, the page lists the direct replies of this comment of the
  // thread (oldest first; `sort` does not apply) instead of top-level ones.
  std::optional<std::string> parent;
};

// One comment as readers see it. A hidden (held or deleted) comment that has
// published replies appears as `removed` with empty author and text.
struct ThreadNode {
  std::string id;
  std::optional<std::string> parent_id;
  std::string author;
  std::string text;
  Time created_at;
  std::optional<Time> edited_at;
  bool removed = false;
  std::vector<ThreadNode> replies;  // oldest first, at every depth; at most ThreadRequest::replies
  int64_t reply_count = 0;          // visible direct replies, shown or not
  // When replies.size() < reply_count: the cursor after the last reply
  // shown (empty when none is shown), for ThreadRequest{parent = id, after}.
  std::optional<std::string> replies_cursor;
};

struct ThreadPage {
  std::string thread;
  int64_t published_count = 0;
  std::vector<ThreadNode> comments;        // top-level, in the requested order
  std::optional<std::string> next_cursor;  // encoded; empty on the last page
};

// Replies nest at most this deep; deeper threads are unreadable anyway and
// the bound keeps thread assembly's recursion shallow.
inline constexpr int kMaxReplyDepth = 32;

// What a page may hold, replies included.
struct PageBudget {
  int comments = 0;
  size_t bytes = 0;
};

// The page `request` asks for (already validated; `after` is its decoded
// cursor), from `all`: every comment of the thread in any state, seq
// ascending. kNotFound for a request.parent that is not a visible comment
// of the thread.
base::Result<ThreadPage> AssembleThreadPage(const std::vector<Comment>& all,
                                            const ThreadRequest& request,
                                            const std::optional<Cursor>& after, PageBudget budget);

// The same page from `slice` instead of the whole thread: the page's roots
// (top-level comments, or the direct replies of request.parent) in any
// state with every descendant of each, seq ascending, holding at least one
// visible root more than the page shows when more exist (so next_cursor is
// right). The caller has checked request.parent and fills published_count.
ThreadPage AssembleSlicePage(const std::vector<Comment>& slice, const ThreadRequest& request,
                             const std::optional<Cursor>& after, PageBudget budget);

// The kNotFound answer for a request.parent readers do not see.
base::Status NoSuchParent(const ThreadRequest& request);

// How many roots of `slice` (comments whose parent is not in it) readers
// see: published, or with a published comment under them.
int CountVisibleRoots(const std::vector<Comment>& slice);

}  // namespace commentd::comments
