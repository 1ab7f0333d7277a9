/// SHA-256 (kernel/sha256.hpp) over canonical record encodings, fed in 64 KiB
/// chunks.

#include "analysis/digest.hpp"

#include <cstring>
#include <stdexcept>

namespace vmss::analysis {

namespace {

constexpr size_t chunk_bytes = 64 * 1024;

void put_u64_le(std::string& out, uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(bytes, 8);
}

void put_u32_le(std::string& out, uint32_t v) {
  char bytes[4];
  for (int i = 0; i < 4; ++i)
    bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(bytes, 4);
}

void put_cstr(std::string& out, std::string_view s) {
  out.append(s.data(), s.size());
  out.push_back('\0');
}

void put_value(std::string& out, const trace::value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) {
    out.push_back('\0');
    put_u64_le(out, static_cast<uint64_t>(*i));
  } else if (auto* d = std::get_if<double>(&v)) {
    uint64_t bits;
    std::memcpy(&bits, d, sizeof bits);
    out.push_back('\1');
    put_u64_le(out, bits);
  } else if (auto* b = std::get_if<bool>(&v)) {
    out.push_back('\2');
    out.push_back(*b ? '\1' : '\0');
  } else {
    out.push_back('\3');
    put_cstr(out, std::get<std::string>(v));
  }
}

} // namespace

void append_canonical(const record& r, std::string& out) {
  put_u64_le(out, static_cast<uint64_t>(r.key.t_ns));
  put_cstr(out, r.path);
  put_cstr(out, r.event);
  put_u32_le(out, static_cast<uint32_t>(r.fields.size()));
  for (const auto& f : r.fields) {
    put_cstr(out, f.key);
    put_value(out, f.val);
  }
}

digest_builder::digest_builder() {
  pending_.reserve(chunk_bytes + 4096);
}

void digest_builder::add(const record& r) {
  append_canonical(r, pending_);
  ++records_;
  if (pending_.size() >= chunk_bytes)
    flush();
}

void digest_builder::flush() {
  hash_.update(pending_.data(), pending_.size());
  pending_.clear();
}

std::string digest_builder::hex_digest() {
  flush();
  return hash_.hex();
}

std::string trace_digest(const std::string& dir) {
  return trace_digest(trace_reader(dir));
}

std::string trace_digest(const trace_reader& reader) {
  digest_builder digest;
  reader.for_each([&digest](const record& r) { digest.add(r); });
  return digest.hex_digest();
}

} // namespace vmss::analysis
