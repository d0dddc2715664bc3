// KeyedHasher as the services use it: the site key shared through the store,
// the IP key kept apart and rotated.
#pragma once

#include <gtest/gtest.h>

#include "comments/service_test_fixture.h"

namespace commentd::comments::testing {

TEST_P(CommentServiceTest, TheSiteKeyIsKeptInTheStoreButTheIpKeyIsNot) {
  // Tokens' and texts' hashes use the site key from the store: two nodes agree.
  auto second = Services::Create(store_, clock_, nullptr, FastOptions());
  ASSERT_TRUE(second.ok());
  AddModerator();
  auto login = services_.accounts->Login("mod1", "correct horse battery");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_TRUE(second->accounts->Authenticate(login->session_token).ok());
  // IP hashes use the key file: without one, each service has its own key,
  // so the database alone (site key included) does not give them back.
  EXPECT_NE(second->hasher->HashIp("192.0.2.1").current,
            services_.hasher->HashIp("192.0.2.1").current);
  EXPECT_NE(services_.hasher->HashIp("192.0.2.1").current,
            services_.hasher->HashIp("192.0.2.2").current);
  EXPECT_EQ(services_.hasher->HashIp("").current, "");
  ServiceOptions with_file = FastOptions();
  with_file.ip_key_file = scratch_.path() + "/ip.key";
  auto a = Services::Create(store_, clock_, nullptr, with_file);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = Services::Create(store_, clock_, nullptr, with_file);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->hasher->HashIp("192.0.2.1").current, b->hasher->HashIp("192.0.2.1").current);
  // Without an engine nothing can be posted, and it says why.
  EXPECT_EQ(second->comments->Post(Request(kCleanText)).status().code(),
            base::StatusCode::kUnavailable);
}

// The IP key rotates every period (a ratchet, see comments/ip_key.h): hashes
// change, a ban still matches in the next period, and is forgotten (for the
// address; the name stays banned) after that.
TEST_P(CommentServiceTest, IpHashesChangeEveryPeriodAndBansHoldForTheNextOne) {
  ServiceOptions options = FastOptions();
  options.ip_key_file = scratch_.path() + "/ip.key";
  options.ip_key_period = std::chrono::hours(24);
  auto made = Services::Create(store_, clock_, DefaultEngine(), options);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  services_ = std::move(made).value();
  AddModerator();
  PostRequest spam = Request("An ordinary comment before the spam started.", "spammer");
  spam.ip = "198.51.100.9";
  const PostResult posted = MustPost(spam);
  const std::string day0 = services_.hasher->HashIp("198.51.100.9").current;
  EXPECT_EQ(posted.comment.author.ip_hash, day0);
  ASSERT_TRUE(MustAct(ModAction::kBan, {posted.comment.id}, "spam").at(0).status.ok());

  clock_->Advance(std::chrono::hours(24));
  const std::string day1 = services_.hasher->HashIp("198.51.100.9").current;
  EXPECT_NE(day1, day0);
  EXPECT_EQ(services_.hasher->HashIp("198.51.100.9").previous, day0);
  PostRequest same_ip = Request(kCleanText, "new-identity");
  same_ip.ip = "198.51.100.9";
  EXPECT_EQ(services_.comments->Post(same_ip).status().code(), base::StatusCode::kPermissionDenied);

  clock_->Advance(std::chrono::hours(24));
  EXPECT_NE(services_.hasher->HashIp("198.51.100.9").current, day1);
  EXPECT_EQ(services_.hasher->HashIp("198.51.100.9").previous, day1);
  EXPECT_TRUE(services_.comments->Post(same_ip).ok());
  EXPECT_EQ(services_.comments->Post(Request(kCleanText, "spammer")).status().code(),
            base::StatusCode::kPermissionDenied);
}

}  // namespace commentd::comments::testing
