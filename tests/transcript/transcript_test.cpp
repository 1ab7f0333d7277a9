// The transcript driver (docs/testing.md): one test per file of testdata/.
// Each case's `run` runs vmss-sim in a scratch directory, `trace check`s and
// exports the trace as JSONL; its `filter`s make the lines that must equal
// the case's golden lines. VMSS_REWRITE=1 (or --rewrite) writes the lines
// the run produced into the file instead.

#include "tests/support/sim_process.hpp"
#include "tests/transcript/text_diff.hpp"
#include "tests/transcript/trace_filter.hpp"
#include "tests/transcript/transcript_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace vmss_test;
using namespace vmss_test::transcript;
namespace fs = std::filesystem;

bool rewrite = false;

const std::string data_dir = VMSS_TRANSCRIPT_DATA;

/// The transcript files, relative to testdata/, sorted.
std::vector<std::string> transcript_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(data_dir))
    if (e.is_regular_file() && e.path().extension() == ".txt")
      out.push_back(fs::relative(e.path(), data_dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A case's directives: at most one `run` (first), then its filters.
struct script {
  bool runs = false;
  std::string run_args;
  std::vector<filter> filters;
};

script parse_script(const test_case& c) {
  script s;
  for (const auto& d : c.directives) {
    auto space = d.find(' ');
    auto verb = d.substr(0, space);
    auto rest = space == std::string::npos ? "" : d.substr(space + 1);
    if (verb == "run") {
      if (s.runs || !s.filters.empty())
        throw std::invalid_argument("'run' must be a case's first directive, "
                                    "and come once");
      if (rest.find("--out") != std::string::npos)
        throw std::invalid_argument("'run' takes no --out (the driver "
                                    "writes the trace into its scratch "
                                    "directory)");
      s.runs = true;
      s.run_args = rest;
    } else if (verb == "filter") {
      s.filters.push_back(parse_filter(rest));
    } else {
      throw std::invalid_argument("unknown directive '" + verb +
                                  "' (run, filter)");
    }
  }
  if (s.filters.empty())
    throw std::invalid_argument("a case needs at least one 'filter'");
  return s;
}

/// The traces of one file's runs, each in the file's scratch directory.
class trace_runs {
public:
  /// Runs `vmss-sim run ARGS` from the source tree, checks and exports its
  /// trace; "" on success, else what went wrong.
  std::string run(const std::string& args) {
    auto dir = scratch_.at("trace-" + std::to_string(++runs_));
    jsonl_ = dir + ".jsonl";
    auto r = run_sim_in(VMSS_SOURCE_DIR, "run " + args + " --out " + dir);
    if (r.exit_code != 0)
      return fail("vmss-sim run " + args + " exited " +
                  std::to_string(r.exit_code) + ":\n" + r.output);
    auto check = run_sim("trace check " + dir);
    if (check.exit_code != 0)
      return fail("trace check failed:\n" + check.output);
    auto exported =
        run_sim("trace export " + dir + " --format jsonl -o " + jsonl_);
    if (exported.exit_code != 0)
      return fail("trace export failed:\n" + exported.output);
    return "";
  }

  /// The lines `filters` make of the last run's trace.
  std::vector<std::string> lines(const std::vector<filter>& filters) const {
    if (jsonl_.empty())
      throw std::invalid_argument("no trace to filter: no 'run' before "
                                  "this case, or it failed");
    std::ifstream in(jsonl_);
    return filter_trace(filters, in);
  }

private:
  std::string fail(const std::string& why) {
    jsonl_.clear();
    return why;
  }

  scratch scratch_;
  int runs_ = 0;
  std::string jsonl_;
};

class transcript_test : public ::testing::TestWithParam<std::string> {};

TEST_P(transcript_test, golden) {
  auto path = data_dir + "/" + GetParam();
  auto file = parse_transcript(read_file(path), path);
  ASSERT_FALSE(file.cases.empty()) << path << ": no cases";
  trace_runs runs;
  int rewritten = 0;
  for (auto& c : file.cases) {
    int line = c.directive_lines.front();
    std::vector<std::string> got;
    try {
      auto s = parse_script(c);
      if (s.runs) {
        auto why = runs.run(s.run_args);
        if (!why.empty()) {
          ADD_FAILURE_AT(path.c_str(), line) << why;
          continue;
        }
      }
      got = runs.lines(s.filters);
    } catch (const std::exception& e) {
      ADD_FAILURE_AT(path.c_str(), line) << e.what();
      continue;
    }
    if (got == c.golden)
      continue;
    if (rewrite) {
      c.golden = got;
      ++rewritten;
      continue;
    }
    ADD_FAILURE_AT(path.c_str(), line)
        << "the trace differs from the golden lines (-golden +actual); "
           "rerun with VMSS_REWRITE=1 if the change is intended\n"
        << diff_lines(c.golden, got);
  }
  if (rewritten > 0) {
    std::ofstream(path) << render_transcript(file);
    std::cout << "rewrote " << rewritten << " case(s) of " << path << "\n";
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  auto name = fs::path(info.param).replace_extension().string();
  std::replace_if(
      name.begin(), name.end(),
      [](unsigned char ch) { return !std::isalnum(ch); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(file, transcript_test,
                         ::testing::ValuesIn(transcript_files()), test_name);

} // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* env = std::getenv("VMSS_REWRITE");
  rewrite = env && std::string(env) == "1";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) != "--rewrite") {
      std::cerr << "error: unknown argument '" << argv[i]
                << "' (--rewrite or GoogleTest's --gtest_* flags)\n";
      return 2;
    }
    rewrite = true;
  }
  return RUN_ALL_TESTS();
}
