// The fixture of the comment services' suite (CommentServiceTest): every
// service (comments::Services) over a real store backend (see
// store_contract_test.h for how a backend instantiates it), the real
// moderation engine under the publisher's default policy, and a fake clock
// that tests move by hand. The tests are in comment_service_test.h and the
// headers it includes, one per service.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "comments/services.h"
#include "comments/store_contract_test.h"
#include "moderation/moderator.h"
#include "moderation/policy.h"

namespace commentd::comments::testing {

inline constexpr std::string_view kCleanText = "The summit statement said little about sanctions.";
inline constexpr std::string_view kLinkText = "Read more at http://spam-news.example.com/offer now";

class CommentServiceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty()) << "cannot create a scratch directory";
    auto made = GetParam().make(scratch_.path());
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    store_ = std::shared_ptr<Store>(std::move(made).value());
    clock_ = std::make_shared<base::FakeClock>(At(kDay0 + 12 * 3600));
    ASSERT_NE(DefaultEngine(), nullptr);
    auto services = Services::Create(store_, clock_, DefaultEngine(), FastOptions());
    ASSERT_TRUE(services.ok()) << services.status().ToString();
    services_ = std::move(services).value();
  }

  // Building the engine takes seconds (pattern compilation), so the suite
  // shares one; it is immutable and thread-safe, which is its contract.
  static std::shared_ptr<const moderation::Moderator> DefaultEngine() {
    static const std::shared_ptr<const moderation::Moderator> engine = [] {
      auto m = moderation::Moderator::Create(moderation::Policy::Default());
      EXPECT_TRUE(m.ok()) << m.status().ToString();
      return m.ok() ? *m : nullptr;
    }();
    return engine;
  }

  static ServiceOptions FastOptions() {
    ServiceOptions options;
    // The argon2id minimum keeps the suite quick; the format is the same.
    options.password_ops_limit = 1;
    options.password_mem_limit = 8192;
    return options;
  }

  PostRequest Request(std::string_view text, std::string author = "reader",
                      std::string thread = "nk/summit-2026") {
    PostRequest r;
    r.thread = std::move(thread);
    r.author = std::move(author);
    r.text = std::string(text);
    r.ip = "203.0.113.7";
    return r;
  }

  PostResult MustPost(const PostRequest& request) {
    auto r = services_.comments->Post(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : PostResult{};
  }

  PostResult MustPostPublished(std::string_view text, std::optional<std::string> parent = {},
                               std::string thread = "nk/summit-2026") {
    PostRequest request = Request(text, "reader", std::move(thread));
    request.parent_id = std::move(parent);
    PostResult r = MustPost(request);
    EXPECT_EQ(r.comment.state, CommentState::kPublished) << text;
    return r;
  }

  void AddModerator(std::string name = "mod1") {
    ASSERT_TRUE(services_.accounts->AddAccount(name, "correct horse battery").ok());
  }

  std::vector<ActionResult> MustAct(ModAction action, std::vector<std::string> ids,
                                    std::string reason = "") {
    auto r = services_.desk->Act(ActRequest{action, std::move(ids), "mod1", std::move(reason), {}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<ActionResult>{};
  }

  static ThreadRequest ThreadOf(std::string thread, int limit = 50, std::string after = "",
                                SortOrder sort = SortOrder::kOldest) {
    ThreadRequest r;
    r.thread = std::move(thread);
    r.limit = limit;
    r.after = std::move(after);
    r.sort = sort;
    return r;
  }

  ThreadPage MustList(ThreadRequest request) {
    auto r = services_.comments->ListThread(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ThreadPage{};
  }

  ScratchDir scratch_;
  std::shared_ptr<Store> store_;
  std::shared_ptr<base::FakeClock> clock_;
  Services services_;
};

}  // namespace commentd::comments::testing
