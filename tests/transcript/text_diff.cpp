#include "tests/transcript/text_diff.hpp"

#include <algorithm>

namespace vmss_test::transcript {

namespace {

/// Above this many cells the middle is shown as removed and added whole
/// instead of aligned (the alignment table would be too big).
constexpr size_t max_table_cells = 16u << 20;
constexpr size_t context = 2;

struct edit {
  char op; ///< ' ', '-' or '+'
  const std::string* line;
  size_t want_line; ///< 1-based line in `want` where the edit applies
};

/// The edits of `want[a, a+n)` into `got[a, a+m)` by longest common
/// subsequence.
void align(const std::vector<std::string>& want,
           const std::vector<std::string>& got, size_t a, size_t n, size_t m,
           std::vector<edit>& out) {
  if (n * m > max_table_cells) {
    for (size_t i = 0; i < n; ++i)
      out.push_back({'-', &want[a + i], a + i + 1});
    for (size_t j = 0; j < m; ++j)
      out.push_back({'+', &got[a + j], a + n + 1});
    return;
  }
  // lcs[i][j]: common length of want[a+i..] and got[a+j..].
  std::vector<std::vector<unsigned>> lcs(n + 1,
                                         std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = want[a + i] == got[a + j]
                      ? lcs[i + 1][j + 1] + 1
                      : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && want[a + i] == got[a + j]) {
      out.push_back({' ', &want[a + i], a + i + 1});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', &want[a + i], a + i + 1});
      ++i;
    } else {
      out.push_back({'+', &got[a + j], a + i + 1});
      ++j;
    }
  }
}

std::vector<edit> edits(const std::vector<std::string>& want,
                        const std::vector<std::string>& got) {
  size_t prefix = 0;
  while (prefix < want.size() && prefix < got.size() &&
         want[prefix] == got[prefix])
    ++prefix;
  size_t suffix = 0;
  while (suffix < want.size() - prefix && suffix < got.size() - prefix &&
         want[want.size() - 1 - suffix] == got[got.size() - 1 - suffix])
    ++suffix;
  std::vector<edit> out;
  for (size_t i = 0; i < prefix; ++i)
    out.push_back({' ', &want[i], i + 1});
  align(want, got, prefix, want.size() - prefix - suffix,
        got.size() - prefix - suffix, out);
  for (size_t i = want.size() - suffix; i < want.size(); ++i)
    out.push_back({' ', &want[i], i + 1});
  return out;
}

} // namespace

std::string diff_lines(const std::vector<std::string>& want,
                       const std::vector<std::string>& got) {
  auto all = edits(want, got);
  std::string out;
  size_t k = 0;
  while (k < all.size()) {
    if (all[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: `context` lines around a run of changes no more than
    // 2 * context unchanged lines apart.
    size_t begin = k >= context ? k - context : 0;
    size_t last = k;
    for (size_t j = k + 1; j < all.size() && j - last - 1 <= 2 * context; ++j)
      if (all[j].op != ' ')
        last = j;
    size_t end = std::min(all.size(), last + 1 + context);
    out += "@@ golden line " + std::to_string(all[begin].want_line) + " @@\n";
    for (size_t e = begin; e < end; ++e)
      out += std::string(1, all[e].op) + *all[e].line + "\n";
    k = end;
  }
  return out;
}

} // namespace vmss_test::transcript
