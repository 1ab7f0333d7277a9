// The run secret and its tokens (kernel/run_secret.hpp): who may join a run.
#include "kernel/run_secret.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

using namespace vmss;

TEST(run_secret, fresh_secrets_are_long_and_different) {
  auto a = generate_run_secret(), b = generate_run_secret();
  EXPECT_EQ(a.size(), 64u); // 256 bits
  EXPECT_EQ(check_run_secret(a), a);
  EXPECT_NE(a, b);
}

TEST(run_secret, tokens_prove_the_secret_and_the_role) {
  auto secret = generate_run_secret();
  run_tokens mine(secret, 3), same(secret, 3);
  run_tokens other(generate_run_secret(), 3);
  EXPECT_TRUE(mine.proves_node(1, same.node(1)));
  EXPECT_TRUE(mine.proves_coordinator(same.coordinator()));
  EXPECT_FALSE(mine.proves_node(1, other.node(1))); // wrong secret
  EXPECT_FALSE(mine.proves_node(1, mine.node(2)));  // another node's
  EXPECT_FALSE(mine.proves_node(1, mine.coordinator()));
  EXPECT_FALSE(mine.proves_coordinator(mine.node(0)));
  EXPECT_FALSE(mine.proves_node(3, mine.node(2))); // no such node
  EXPECT_FALSE(mine.proves_node(0, ""));           // no token at all
  EXPECT_EQ(mine.node(0).size(), 32u); // HMAC-SHA256, not the secret
  EXPECT_EQ(mine.node(0).find(secret), std::string::npos);
  // Case does not make another secret.
  std::string upper = secret;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(run_tokens(upper, 1).proves_node(0, mine.node(0)));
}

TEST(run_secret, malformed_secrets_are_refused) {
  EXPECT_THROW(check_run_secret(""), std::invalid_argument);
  EXPECT_THROW(check_run_secret(std::string(31, 'a')), std::invalid_argument);
  EXPECT_THROW(check_run_secret(std::string(129, 'a')), std::invalid_argument);
  EXPECT_THROW(check_run_secret(std::string(40, 'g')), std::invalid_argument);
  EXPECT_EQ(check_run_secret(" " + std::string(32, 'a') + "\n"),
            std::string(32, 'a'));
  EXPECT_THROW(run_tokens("short", 1), std::invalid_argument);
}

/// A file in the test's temporary folder with `text` and `mode`.
std::string make_file(const std::string& name, const std::string& text,
                      mode_t mode) {
  auto path = ::testing::TempDir() + name;
  std::remove(path.c_str());
  FILE* f = std::fopen(path.c_str(), "w");
  EXPECT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
  ::chmod(path.c_str(), mode);
  return path;
}

void expect_refused(const std::string& path, const std::string& reason) {
  try {
    read_run_secret_file(path);
    ADD_FAILURE() << path << " was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": " + reason);
  }
}

TEST(run_secret, secret_files_must_be_private_regular_files) {
  std::string secret(64, 'b');
  auto good = make_file("vmss-good.secret", secret + "\n", 0600);
  EXPECT_EQ(read_run_secret_file(good), secret);
  expect_refused(make_file("vmss-open.secret", secret, 0640),
                 "the secret file is open to group or others (chmod 600 it)");
  expect_refused(make_file("vmss-short.secret", "abc", 0600),
                 "a run secret has 32 to 128 hex digits (this one has 3)");
  auto link = ::testing::TempDir() + "vmss-link.secret";
  std::remove(link.c_str());
  ASSERT_EQ(::symlink(good.c_str(), link.c_str()), 0);
  expect_refused(link, "the secret file is not a regular file");
  expect_refused(::testing::TempDir() + "vmss-missing.secret",
                 "cannot read the secret file: No such file or directory");
}

} // namespace
