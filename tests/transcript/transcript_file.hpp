#pragma once
// A transcript file (tests/transcript/testdata/*.txt, docs/testing.md): cases
// of directives (`run ...`, `filter ...`), each followed by a `----`
// separator and the golden lines it must produce, up to a blank line.
// Parsing keeps every line it does not interpret (comments, blank lines),
// so a file rendered with new goldens differs only in its goldens.

#include <string>
#include <vector>

namespace vmss_test::transcript {

struct test_case {
  std::vector<std::string> head;       ///< raw lines before the separator
  std::vector<std::string> directives; ///< continuations joined, no comments
  std::vector<int> directive_lines;    ///< 1-based line of each directive
  std::vector<std::string> golden;     ///< the lines after the separator
};

struct transcript_file {
  std::vector<test_case> cases;
  std::vector<std::string> tail; ///< comments and blanks after the last case
};

/// Parses `text`; errors (std::invalid_argument) read `NAME:LINE: reason`.
transcript_file parse_transcript(const std::string& text,
                                 const std::string& name);

/// The text of `file`: parse_transcript(render_transcript(f)) == f.
std::string render_transcript(const transcript_file& file);

} // namespace vmss_test::transcript
