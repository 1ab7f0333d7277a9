#include "tests/transcript/transcript_file.hpp"

#include <sstream>
#include <stdexcept>

namespace vmss_test::transcript {

namespace {

const std::string separator = "----";

bool is_comment_or_blank(const std::string& line) {
  return line.empty() || line[0] == '#';
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

bool continues(const std::string& line) {
  return !line.empty() && line.back() == '\\';
}

/// Reads the head of a case from `lines[i]` on: comments, blank lines and
/// directives (a trailing `\` joins the next line) up to the separator.
/// Returns false at the end of the text (no separator).
bool read_head(const std::vector<std::string>& lines, size_t& i, test_case& c,
               const std::string& name) {
  for (; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line == separator)
      return true;
    c.head.push_back(line);
    if (is_comment_or_blank(line))
      continue;
    c.directive_lines.push_back(static_cast<int>(i + 1));
    std::string directive = line;
    while (continues(directive)) {
      directive.pop_back();
      if (++i == lines.size() || lines[i] == separator)
        throw std::invalid_argument(name + ":" + std::to_string(i) +
                                    ": '\\' at the end of the last line of "
                                    "a directive");
      c.head.push_back(lines[i]);
      directive += lines[i];
    }
    c.directives.push_back(directive);
  }
  return false;
}

} // namespace

transcript_file parse_transcript(const std::string& text,
                                 const std::string& name) {
  transcript_file file;
  auto lines = split_lines(text);
  size_t i = 0;
  while (i < lines.size()) {
    test_case c;
    if (!read_head(lines, i, c, name)) {
      if (!c.directives.empty())
        throw std::invalid_argument(
            name + ":" + std::to_string(c.directive_lines.front()) +
            ": directives without a '" + separator + "' line after them");
      file.tail = c.head;
      break;
    }
    if (c.directives.empty())
      throw std::invalid_argument(name + ":" + std::to_string(i + 1) + ": '" +
                                  separator + "' without directives before it");
    for (++i; i < lines.size() && !lines[i].empty(); ++i)
      c.golden.push_back(lines[i]);
    if (i < lines.size())
      ++i; // the blank line that ends the golden lines
    file.cases.push_back(std::move(c));
  }
  return file;
}

std::string render_transcript(const transcript_file& file) {
  std::string out;
  auto put = [&](const std::string& line) { out += line + "\n"; };
  for (size_t k = 0; k < file.cases.size(); ++k) {
    const auto& c = file.cases[k];
    for (const auto& line : c.head)
      put(line);
    put(separator);
    for (const auto& line : c.golden)
      put(line);
    if (k + 1 < file.cases.size() || !file.tail.empty())
      put("");
  }
  for (const auto& line : file.tail)
    put(line);
  return out;
}

} // namespace vmss_test::transcript
