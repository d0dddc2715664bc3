// PolicyService: a policy set on one node is stored and followed by the others.
#pragma once

#include <gtest/gtest.h>

#include "comments/service_test_fixture.h"

namespace commentd::comments::testing {

// Two services on one store stand for two nodes of one site.
TEST_P(CommentServiceTest, APolicySetOnOneNodeIsInForceOnTheOthers) {
  auto other = Services::Create(store_, clock_, DefaultEngine(), FastOptions());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const PolicyService::EngineFactory factory = [](const moderation::Policy& policy) {
    return base::Result<std::shared_ptr<const moderation::Moderator>>(
        DefaultEngine()->WithPolicy(policy));
  };
  EXPECT_EQ(services_.policy->SetPolicy("mod1", "[link]\naction = \"allow\"\n").status().code(),
            base::StatusCode::kFailedPrecondition);  // no factory yet
  services_.policy->SetEngineFactory(factory);
  other->policy->SetEngineFactory(factory);

  auto bad = services_.policy->SetPolicy("mod1", "[link]\naction = \"erase\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("link.action"), std::string::npos)
      << bad.status().ToString();
  EXPECT_EQ(services_.policy->GetPolicy()->revision, 0);  // nothing stored

  auto set =
      services_.policy->SetPolicy("mod1", "version = \"links-ok\"\n[link]\naction = \"allow\"\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->revision, 1);
  EXPECT_EQ(services_.policy->engine()->policy().version, "links-ok@r1");
  EXPECT_EQ(MustPost(Request(kLinkText)).comment.state, CommentState::kPublished);

  // The other node still runs its own until it looks.
  EXPECT_EQ(other->policy->engine()->policy().version, DefaultEngine()->policy().version);
  auto refreshed = other->policy->RefreshPolicy();
  ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  EXPECT_EQ(*refreshed, 1);
  EXPECT_EQ(other->policy->engine()->policy().version, "links-ok@r1");
  auto again = other->policy->RefreshPolicy();  // nothing newer: unchanged
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 1);
}

}  // namespace commentd::comments::testing
