#include "comments/thread_page.h"

#include <algorithm>
#include <unordered_map>

namespace commentd::comments {
namespace {

// Everything readers may see of a thread, assembled from all its comments.
class ThreadAssembler {
 public:
  explicit ThreadAssembler(const std::vector<Comment>& all) : all_(all) {
    for (size_t i = 0; i < all_.size(); ++i) index_.emplace(all_[i].id, i);
    children_.resize(all_.size());
    visible_.assign(all_.size(), false);
    for (size_t i = 0; i < all_.size(); ++i) {
      if (const auto p = Parent(i)) children_[*p].push_back(i);
    }
    // A reply is always stored after its parent (higher seq), so walking
    // backwards settles every child before its parent.
    for (size_t i = all_.size(); i-- > 0;) {
      if (all_[i].state == CommentState::kPublished) visible_[i] = true;
      if (visible_[i]) {
        if (const auto p = Parent(i)) visible_[*p] = true;
      }
    }
  }

  // Indexes of the visible comments whose parent is not among the
  // comments (top-level ones for a whole thread), in seq order.
  std::vector<size_t> Roots() const {
    std::vector<size_t> roots;
    for (size_t i = 0; i < all_.size(); ++i) {
      if (visible_[i] && !Parent(i).has_value()) roots.push_back(i);
    }
    return roots;
  }

  // What a page may still hold, replies included. Each comment is charged
  // its text, author and id plus a fixed cost for the JSON around them.
  struct Budget {
    int comments = 0;
    size_t bytes = 0;
    bool Take(const Comment& c) {
      const size_t cost = c.text.size() + c.author.name.size() + c.id.size() + 256;
      if (comments < 1 || cost > bytes) return false;
      --comments;
      bytes -= cost;
      return true;
    }
  };

  // `i` with at most `replies` visible replies under each comment, while
  // `budget` lasts. The caller has charged `i` itself.
  ThreadNode Build(size_t i, int replies, Budget& budget, int depth = 0) const {
    const Comment& c = all_[i];
    ThreadNode node;
    node.id = c.id;
    node.parent_id = c.parent_id;
    node.created_at = c.created_at;
    if (c.state == CommentState::kPublished) {
      node.author = c.author.name;
      node.text = c.text;
      node.edited_at = c.edited_at;
    } else {
      node.removed = true;
    }
    const std::vector<size_t> children = VisibleChildren(i);
    node.reply_count = static_cast<int64_t>(children.size());
    if (depth < kMaxReplyDepth + 1) {
      for (size_t child : children) {
        if (static_cast<int>(node.replies.size()) >= replies || !budget.Take(all_[child])) break;
        node.replies.push_back(Build(child, replies, budget, depth + 1));
      }
    }
    if (node.replies.size() < children.size() && !node.replies.empty()) {
      node.replies_cursor = Cursor{all_[children[node.replies.size() - 1]].seq}.Encode();
    }
    return node;
  }

  // Indexes of the visible direct replies of `i`, in seq order.
  std::vector<size_t> VisibleChildren(size_t i) const {
    std::vector<size_t> out;
    for (size_t child : children_[i]) {
      if (visible_[child]) out.push_back(child);
    }
    return out;
  }

  // The index of the visible comment `id`.
  std::optional<size_t> FindVisible(std::string_view id) const {
    const auto it = index_.find(std::string(id));
    if (it == index_.end() || !visible_[it->second]) return std::nullopt;
    return it->second;
  }

  int64_t PublishedCount() const {
    return std::count_if(all_.begin(), all_.end(),
                         [](const Comment& c) { return c.state == CommentState::kPublished; });
  }

 private:
  std::optional<size_t> Parent(size_t i) const {
    if (!all_[i].parent_id.has_value()) return std::nullopt;
    const auto it = index_.find(*all_[i].parent_id);
    if (it == index_.end() || it->second >= i) return std::nullopt;
    return it->second;
  }

  const std::vector<Comment>& all_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<size_t>> children_;
  std::vector<bool> visible_;
};

// The page of `roots` (indexes into `all`, in seq order) in `order`, after
// the cursor.
ThreadPage PageOf(const ThreadAssembler& assembler, const std::vector<Comment>& all,
                  std::vector<size_t> roots, SortOrder order, const ThreadRequest& request,
                  const std::optional<Cursor>& after, PageBudget limits) {
  if (order == SortOrder::kNewest) std::reverse(roots.begin(), roots.end());
  // Cursors are seqs: new comments get higher seqs, so they land after the
  // end of an "oldest" listing and before the start of a "newest" one, and
  // never shift the pages a reader is walking through.
  const auto past_cursor = [&](size_t i) {
    if (!after.has_value()) return true;
    return order == SortOrder::kOldest ? all[i].seq > after->seq : all[i].seq < after->seq;
  };
  ThreadPage page;
  page.thread = request.thread;
  // Replies count against the page too: a thread of one comment with
  // thousands of replies still answers a bounded page.
  ThreadAssembler::Budget budget{limits.comments, limits.bytes};
  int64_t last_seq = 0;
  for (size_t i : roots) {
    if (!past_cursor(i)) continue;
    // A page always shows at least one comment, so a reader can move on.
    const bool full = static_cast<int>(page.comments.size()) == request.limit ||
                      (!budget.Take(all[i]) && !page.comments.empty());
    if (full) {
      // More remain: the cursor names the last comment shown.
      page.next_cursor = Cursor{last_seq}.Encode();
      break;
    }
    page.comments.push_back(assembler.Build(i, request.replies, budget));
    last_seq = all[i].seq;
  }
  return page;
}

}  // namespace

base::Result<ThreadPage> AssembleThreadPage(const std::vector<Comment>& all,
                                            const ThreadRequest& request,
                                            const std::optional<Cursor>& after, PageBudget limits) {
  const ThreadAssembler assembler(all);
  if (request.parent.has_value()) {
    const std::optional<size_t> parent = assembler.FindVisible(*request.parent);
    if (!parent.has_value()) return NoSuchParent(request);
    // Replies read oldest first.
    ThreadPage page = PageOf(assembler, all, assembler.VisibleChildren(*parent), SortOrder::kOldest,
                             request, after, limits);
    page.published_count = assembler.PublishedCount();
    return page;
  }
  ThreadPage page = PageOf(assembler, all, assembler.Roots(), request.sort, request, after, limits);
  page.published_count = assembler.PublishedCount();
  return page;
}

ThreadPage AssembleSlicePage(const std::vector<Comment>& slice, const ThreadRequest& request,
                             const std::optional<Cursor>& after, PageBudget limits) {
  const ThreadAssembler assembler(slice);
  return PageOf(assembler, slice, assembler.Roots(),
                request.parent.has_value() ? SortOrder::kOldest : request.sort, request, after,
                limits);
}

base::Status NoSuchParent(const ThreadRequest& request) {
  return base::NotFoundError("parent: no comment {} in thread {}", request.parent->substr(0, 64),
                             request.thread);
}

int CountVisibleRoots(const std::vector<Comment>& slice) {
  return static_cast<int>(ThreadAssembler(slice).Roots().size());
}

}  // namespace commentd::comments
