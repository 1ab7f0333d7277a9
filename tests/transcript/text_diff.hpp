#pragma once
// A line diff for transcript failures: unified-style hunks (`-` golden,
// `+` actual) with two lines of context.

#include <string>
#include <vector>

namespace vmss_test::transcript {

/// The hunks that turn `want` into `got`; "" when they are equal.
std::string diff_lines(const std::vector<std::string>& want,
                       const std::vector<std::string>& got);

} // namespace vmss_test::transcript
