/// JSONL and CSV writers. Lines are built into a string buffer and written
/// to the stream in 256 KiB chunks.

#include "analysis/export.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace vmss::analysis {

namespace {

constexpr size_t chunk_bytes = 256 * 1024;

const char* const base_columns[] = {"t_ns", "node", "entity", "kind", "event"};

/// Shortest round-trip text of a double; integral values keep a ".0" so
/// the type survives a JSON round trip. Non-finite values: "null" (JSON
/// has no NaN/inf) — CSV writes nan/inf/-inf.
void append_double(double d, std::string& out, bool json) {
  if (!std::isfinite(d)) {
    out += json ? "null" : (std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf"));
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, res.ptr - buf);
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

void append_int(int64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr - buf);
}

/// RFC 4180: quote when the cell holds a comma, quote, CR or LF.
void append_csv_text(std::string_view s, std::string& out) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_value(const trace::value& v, std::string& out) {
  if (auto* i = std::get_if<int64_t>(&v))
    append_int(*i, out);
  else if (auto* d = std::get_if<double>(&v))
    append_double(*d, out, false);
  else if (auto* b = std::get_if<bool>(&v))
    out += *b ? "true" : "false";
  else
    append_csv_text(std::get<std::string>(v), out);
}

void write_chunk(std::ostream& out, std::string& buf, bool force) {
  if (!force && buf.size() < chunk_bytes)
    return;
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.clear();
  if (!out)
    throw std::runtime_error("export: write failed");
}

/// One CSV row per record, columns fixed by the header.
class csv_writer {
public:
  explicit csv_writer(const std::vector<std::string>& keys) {
    for (size_t i = 0; i < keys.size(); ++i)
      column_of_.emplace(keys[i], i);
    cells_.resize(keys.size());
  }

  void append(const record& r, std::string& out) {
    std::fill(cells_.begin(), cells_.end(), nullptr);
    for (const auto& f : r.fields) {
      auto it = column_of_.find(f.key);
      if (it == column_of_.end())
        throw std::runtime_error("export: field key '" + f.key +
                                 "' missing from the shard key tables");
      cells_[it->second] = &f.val;
    }
    append_int(r.key.t_ns, out);
    out.push_back(',');
    append_int(r.node, out);
    out.push_back(',');
    append_csv_text(r.path, out);
    out.push_back(',');
    append_csv_text(r.kind, out);
    out.push_back(',');
    append_csv_text(r.event, out);
    for (const trace::value* cell : cells_) {
      out.push_back(',');
      if (cell)
        append_csv_value(*cell, out);
    }
    out.push_back('\n');
  }

private:
  std::unordered_map<std::string, size_t> column_of_;
  std::vector<const trace::value*> cells_;
};

bool is_base_column(std::string_view key) {
  for (const char* base : base_columns)
    if (key == base)
      return true;
  return false;
}

} // namespace

void append_json_string(std::string_view s, std::string& out) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_json_value(const trace::value& v, std::string& out) {
  if (auto* i = std::get_if<int64_t>(&v))
    append_int(*i, out);
  else if (auto* d = std::get_if<double>(&v))
    append_double(*d, out, true);
  else if (auto* b = std::get_if<bool>(&v))
    out += *b ? "true" : "false";
  else
    append_json_string(std::get<std::string>(v), out);
}

std::string field_column(const std::string& key) {
  return is_base_column(key) ? "field." + key : key;
}

void append_jsonl(const record& r, std::string& out) {
  out += "{\"t_ns\":";
  append_int(r.key.t_ns, out);
  out += ",\"node\":";
  append_int(r.node, out);
  out += ",\"entity\":";
  append_json_string(r.path, out);
  out += ",\"kind\":";
  append_json_string(r.kind, out);
  out += ",\"event\":";
  append_json_string(r.event, out);
  for (const auto& f : r.fields) {
    out.push_back(',');
    if (is_base_column(f.key))
      append_json_string(field_column(f.key), out);
    else
      append_json_string(f.key, out);
    out.push_back(':');
    append_json_value(f.val, out);
  }
  out += "}\n";
}

uint64_t export_jsonl(const trace_reader& reader, std::ostream& out,
                      const record_filter& filter) {
  std::string buf;
  uint64_t n = 0;
  reader.for_each([&](const record& r) {
    if (!filter.selects(r))
      return;
    ++n;
    append_jsonl(r, buf);
    write_chunk(out, buf, false);
  });
  write_chunk(out, buf, true);
  out.flush();
  return n;
}

uint64_t export_csv(const trace_reader& reader, std::ostream& out,
                    const record_filter& filter) {
  std::vector<std::string> keys = reader.field_keys();
  std::string buf = "t_ns,node,entity,kind,event";
  for (const auto& key : keys) {
    buf.push_back(',');
    append_csv_text(field_column(key), buf);
  }
  buf.push_back('\n');
  csv_writer rows(keys);
  uint64_t n = 0;
  reader.for_each([&](const record& r) {
    if (!filter.selects(r))
      return;
    ++n;
    rows.append(r, buf);
    write_chunk(out, buf, false);
  });
  write_chunk(out, buf, true);
  out.flush();
  return n;
}

} // namespace vmss::analysis
