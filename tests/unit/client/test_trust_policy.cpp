// Trust on first use and downgrade refusal, on a real state.db: the first key is pinned, a
// different one is refused and remembered as offered, and an authenticated server is never
// recorded as classic again.
#include <messageu/client/trust_policy.hpp>

#include "support/temp_dir.hpp"
#include "unit/client_state/client_state_test_data.hpp"

#include <gtest/gtest.h>

using namespace messageu;
using namespace messageu::client;
using namespace messageu::client_state;
using messageu::test::make_id;
using messageu::test::make_key;
using messageu::test::TempDir;

namespace {

class TrustPolicyTest : public ::testing::Test {
protected:
  void SetUp() override { reopen(); }

  // Opens the file (again), to check that what was stored persists.
  void reopen() {
    m_state.reset();
    auto state = ClientState::open(m_dir / "state.db");
    ASSERT_TRUE(state) << state.error().message;
    m_state.emplace(std::move(*state));
  }
  ClientState &state() { return *m_state; }

  TempDir m_dir;
  std::optional<ClientState> m_state;
};

} // namespace

TEST(TrustPolicy, PinsTheFirstKeyAndThePinnedKeyAgainButOnlyOffersAnother) {
  KnownUser listed;
  EXPECT_EQ(decide_key(std::nullopt, make_key(1)), KeyRecord::pin);
  EXPECT_EQ(decide_key(listed, make_key(1)), KeyRecord::pin);
  listed.pinned_key = make_key(1);
  EXPECT_EQ(decide_key(listed, make_key(1)), KeyRecord::pin);
  EXPECT_EQ(decide_key(listed, make_key(2)), KeyRecord::offer);
}

TEST(TrustPolicy, OnlyLeavingAuthenticationIsADowngrade) {
  EXPECT_TRUE(is_downgrade(ServerProtocol::authenticated, ServerProtocol::classic));
  EXPECT_FALSE(is_downgrade(ServerProtocol::classic, ServerProtocol::authenticated));
  EXPECT_FALSE(is_downgrade(ServerProtocol::unknown, ServerProtocol::classic));
  EXPECT_FALSE(is_downgrade(ServerProtocol::authenticated, ServerProtocol::authenticated));
}

TEST_F(TrustPolicyTest, PinsFirstKeyAndAcceptsItAgain) {
  std::vector<UserListing> listing{{make_id(1), "bob"}};
  ASSERT_TRUE(state().upsert_users(listing));
  ASSERT_TRUE(pin_key(state(), make_id(1), make_key(7)));
  EXPECT_TRUE(pin_key(state(), make_id(1), make_key(7)));
  auto bob = *state().find_user_by_id(make_id(1));
  EXPECT_EQ(bob->pinned_key, make_key(7));
  EXPECT_FALSE(bob->offered_key);
}

TEST_F(TrustPolicyTest, PinningKeyOfUnknownIdAddsNamelessUserNamedByLaterList) {
  ASSERT_TRUE(pin_key(state(), make_id(4), make_key(1)));
  auto user = *state().find_user_by_id(make_id(4));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "");
  std::vector<UserListing> listing{{make_id(4), "dave"}};
  ASSERT_TRUE(state().upsert_users(listing));
  auto dave = *state().find_user_by_name("dave");
  ASSERT_TRUE(dave);
  EXPECT_EQ(dave->pinned_key, make_key(1));
}

TEST_F(TrustPolicyTest, DifferentKeyIsRefusedAndRememberedAsOffered) {
  ASSERT_TRUE(pin_key(state(), make_id(1), make_key(1)));
  auto changed = pin_key(state(), make_id(1), make_key(2));
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, Errc::key_changed);
  reopen();
  auto user = *state().find_user_by_id(make_id(1));
  EXPECT_EQ(user->pinned_key, make_key(1));
  EXPECT_EQ(user->offered_key, make_key(2));
}

TEST_F(TrustPolicyTest, ServerOfferingPinnedKeyAgainClearsOffer) {
  ASSERT_TRUE(pin_key(state(), make_id(1), make_key(1)));
  EXPECT_FALSE(pin_key(state(), make_id(1), make_key(2)));
  ASSERT_TRUE(pin_key(state(), make_id(1), make_key(1)));
  EXPECT_FALSE((*state().find_user_by_id(make_id(1)))->offered_key);
}

TEST_F(TrustPolicyTest, ReplacingPinnedKeyTrustsItAndClearsOffer) {
  ASSERT_TRUE(pin_key(state(), make_id(1), make_key(1)));
  EXPECT_FALSE(pin_key(state(), make_id(1), make_key(2)));
  ASSERT_TRUE(state().replace_pinned_key(make_id(1), make_key(2)));
  auto user = *state().find_user_by_id(make_id(1));
  EXPECT_EQ(user->pinned_key, make_key(2));
  EXPECT_FALSE(user->offered_key);
  EXPECT_TRUE(pin_key(state(), make_id(1), make_key(2)));
}

TEST_F(TrustPolicyTest, ClassicServerMayLaterAuthenticate) {
  ASSERT_TRUE(remember_server_protocol(state(), "host:1", ServerProtocol::classic));
  ASSERT_TRUE(remember_server_protocol(state(), "host:1", ServerProtocol::authenticated));
  EXPECT_EQ(*state().remembered_server_protocol("host:1"), ServerProtocol::authenticated);
}

TEST_F(TrustPolicyTest, AuthenticatedServerIsNeverDowngraded) {
  ASSERT_TRUE(remember_server_protocol(state(), "host:1", ServerProtocol::authenticated));
  auto downgrade = remember_server_protocol(state(), "host:1", ServerProtocol::classic);
  ASSERT_FALSE(downgrade);
  EXPECT_EQ(downgrade.error().code, Errc::key_changed);
  reopen();
  EXPECT_EQ(*state().remembered_server_protocol("host:1"), ServerProtocol::authenticated);
}
