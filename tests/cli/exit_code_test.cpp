// Bad input exits 2 with an `error:` line that names what is wrong
// (docs/cli.md); help exits 0.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

namespace {

using vmss_test::run_sim;

void expect_bad_input(const std::string& args, const std::string& says) {
  auto r = run_sim(args);
  EXPECT_EQ(r.exit_code, 2) << args << ":\n" << r.output;
  EXPECT_NE(r.output.find("error: "), std::string::npos) << args << ":\n"
                                                         << r.output;
  EXPECT_NE(r.output.find(says), std::string::npos)
      << args << ": expected '" << says << "' in:\n"
      << r.output;
}

TEST(ExitCodes, UnknownCommandNamesTheWord) {
  expect_bad_input("frobnicate", "unknown command 'frobnicate'");
  expect_bad_input("trace frobnicate x", "unknown command 'frobnicate' of "
                                         "'trace'");
}

TEST(ExitCodes, CommandLineErrorsExit2) {
  expect_bad_input("run --no-such-option", "--no-such-option");
  expect_bad_input("bench", "workload");
  expect_bad_input("bench pingpong --pairs x", "--pairs");
}

TEST(ExitCodes, ModelErrorsExit2AndWriteNothing) {
  vmss_test::scratch s;
  auto out = " --out " + s.at("t");
  expect_bad_input("run --model 'phold bogus=1' --until 1s" + out, "bogus");
  expect_bad_input("run --model 'nosuchmodel'" + out, "nosuchmodel");
  expect_bad_input("run no-such-scenario" + out, "no-such-scenario");
  EXPECT_TRUE(s.names().empty());
}

TEST(ExitCodes, ARunWithoutAnEndIsRefused) {
  vmss_test::scratch s;
  auto out = " --out " + s.at("t");
  expect_bad_input("run --model 'region preset=small'" + out,
                   "never runs out of events: give --until");
  expect_bad_input("run --model 'region preset=small' --until ''" + out,
                   "--until ''");
  expect_bad_input("run --until 0s" + out, "must be after the start");
  expect_bad_input("run --until 0x10s" + out, "--until '0x10s'");
  EXPECT_TRUE(s.names().empty());
}

TEST(ExitCodes, HelpExits0) {
  for (std::string args : {"--help", "run --help", "trace --help"}) {
    auto r = run_sim(args);
    EXPECT_EQ(r.exit_code, 0) << args << ":\n" << r.output;
  }
}

} // namespace
