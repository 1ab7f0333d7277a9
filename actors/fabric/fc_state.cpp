#include "actors/fabric/fc_state.hpp"

#include "kernel/assert.hpp"
#include "messages/vm_vocabulary.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace vmss::fabric {

namespace {

/// The fields of `xs` (their `inspect`) in CAF's binary format; copies,
/// since CAF 0.17's serializer takes mutable references.
template <class... Ts>
std::string to_bytes(Ts... xs) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto err = sink(xs...);
  VMSS_ASSERT(!err, "serializing into memory cannot fail");
  return std::string(buf.begin(), buf.end());
}

/// Reads `xs` from `bytes`, all of them; throws std::invalid_argument
/// naming `what` if they are truncated, corrupt or too many.
template <class... Ts>
void from_bytes(const std::string& bytes, const char* what, Ts&... xs) {
  caf::binary_deserializer source{nullptr, bytes.data(), bytes.size()};
  if (auto err = source(xs...))
    throw std::invalid_argument(std::string(what) + ": corrupt or truncated (" +
                                caf::to_string(err) + ")");
  if (auto extra = source.remaining(); extra != 0)
    throw std::invalid_argument(
        std::string(what) + ": " + std::to_string(extra) +
        (extra == 1 ? " byte" : " bytes") + " after the end");
}

const char* name_of(command_kind k) {
  switch (k) {
  case command_kind::allocate:
    return "allocate";
  case command_kind::operate:
    return "operate";
  case command_kind::host_down:
    return "host_down";
  case command_kind::host_up:
    return "host_up";
  case command_kind::relocate:
    break;
  }
  return "relocate";
}

void write_allocation(std::ostream& out, const allocation& a) {
  out << a.host << ' ' << a.zone << ' ' << a.rack << ' ' << a.fault_domain
      << ' ' << a.update_domain << ' ' << a.vcpus << ' ' << a.ram_gb << ' '
      << a.requester << ' ' << a.fault_domains;
}

/// `name` as is if it is one printable ASCII word, else quoted.
std::string word_or_quoted(const std::string& name) {
  auto plain = [](unsigned char ch) {
    return ch > ' ' && ch < 0x7f && ch != '"' && ch != '\\';
  };
  if (!name.empty() && std::all_of(name.begin(), name.end(), plain))
    return name;
  std::string out = "\"";
  for (unsigned char ch : name) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch >= ' ' && ch < 0x7f) {
      out += static_cast<char>(ch);
    } else {
      static const char* digits = "0123456789abcdef";
      out += "\\x";
      out += digits[ch >> 4];
      out += digits[ch & 0xf];
    }
  }
  return out + "\"";
}

} // namespace

std::string to_string(const command& c) {
  std::ostringstream out;
  out << name_of(c.kind) << ' ';
  const auto& a = c.where;
  switch (c.kind) {
  case command_kind::allocate:
    out << word_or_quoted(c.vm.scale_set) << ' ' << c.vm.instance << ' ';
    write_allocation(out, a);
    break;
  case command_kind::relocate:
    out << word_or_quoted(c.vm.scale_set) << ' ' << c.vm.instance << ' '
        << c.host << ' ';
    write_allocation(out, a);
    break;
  case command_kind::operate:
    out << word_or_quoted(c.vm.scale_set) << ' ' << c.vm.instance << ' '
        << unsigned{c.op} << ' ' << a.requester;
    break;
  case command_kind::host_down:
  case command_kind::host_up:
    out << c.host;
    break;
  }
  return out.str();
}

std::string payload_text(const std::string& payload) {
  return payload.empty() ? std::string() : to_string(command::decode(payload));
}

std::string vm_key::name() const {
  return physical::vm_name(scale_set, instance);
}

std::string command::encode() const {
  return to_bytes(*this);
}

command command::decode(const std::string& payload) {
  command c;
  from_bytes(payload, "fabric command", c);
  if (c.kind > command_kind::relocate)
    throw std::invalid_argument("fabric command: unknown kind " +
                                std::to_string(static_cast<unsigned>(c.kind)));
  return c;
}

void fc_state::reserve(const vm_key& vm, const allocation& a, bool fresh) {
  auto& r = reserved_[a.host];
  r.first += a.vcpus;
  r.second += a.ram_gb;
  layouts_[vm.scale_set].add(a.zone, a.rack, a.host, fresh);
}

void fc_state::release(const vm_key& vm, const allocation& a) {
  auto& r = reserved_[a.host];
  VMSS_ASSERT(r.first >= a.vcpus && r.second >= a.ram_gb,
              "a host's reservation covers each of its allocations");
  r.first -= a.vcpus;
  r.second -= a.ram_gb;
  layouts_[vm.scale_set].remove(a.zone, a.rack, a.host);
}

void fc_state::check_reservations() const {
  std::map<entity_id, std::pair<uint32_t, uint32_t>> sum;
  for (const auto& [vm, a] : vms_) {
    sum[a.host].first += a.vcpus;
    sum[a.host].second += a.ram_gb;
  }
  for (const auto& [host, r] : reserved_)
    VMSS_ASSERT(r == std::make_pair(0u, 0u) || sum.count(host) != 0,
                "a host reserves nothing without allocations");
  for (const auto& [host, s] : sum)
    VMSS_ASSERT(reserved_on(host) == s,
                "a host's reservation is the sum of its allocations");
}

applied fc_state::apply(const command& c) {
  applied out;
  switch (c.kind) {
  case command_kind::allocate:
    out.changed = vms_.emplace(c.vm, c.where).second;
    if (out.changed)
      reserve(c.vm, c.where);
    break;
  case command_kind::operate: {
    auto i = vms_.find(c.vm);
    if (i == vms_.end())
      break;
    out.changed = true;
    out.operated = i->second;
    if (c.op == delete_op) {
      release(i->first, i->second);
      vms_.erase(i);
    }
    break;
  }
  case command_kind::host_down:
    out.changed = down_.insert(c.host).second;
    if (out.changed)
      for (const auto& [vm, a] : vms_)
        if (a.host == c.host)
          out.lost.emplace_back(vm, a);
    break;
  case command_kind::host_up:
    out.changed = down_.erase(c.host) != 0;
    break;
  case command_kind::relocate:
    return relocate(c);
  }
  return out;
}

applied fc_state::relocate(const command& c) {
  applied out;
  auto i = vms_.find(c.vm);
  // Deleted, moved already, its host came back, or the new host was
  // marked down since the move was proposed (the leader tries again).
  if (i == vms_.end() || i->second.host != c.host || !is_down(c.host) ||
      is_down(c.where.host))
    return out;
  VMSS_ASSERT(c.where.host != c.host, "a VM moves to another host");
  out.changed = true;
  out.moved_from = i->second;
  release(i->first, i->second);
  i->second = c.where;
  reserve(i->first, i->second, false);
  check_reservations();
  return out;
}

const allocation* fc_state::find(const vm_key& vm) const {
  auto i = vms_.find(vm);
  return i == vms_.end() ? nullptr : &i->second;
}

const scale_set_layout&
fc_state::layout_of(const std::string& scale_set) const {
  static const scale_set_layout none;
  auto i = layouts_.find(scale_set);
  return i == layouts_.end() ? none : i->second;
}

std::pair<uint32_t, uint32_t> fc_state::reserved_on(entity_id host) const {
  auto i = reserved_.find(host);
  return i == reserved_.end() ? std::pair<uint32_t, uint32_t>{0, 0} : i->second;
}

std::string fc_state::snapshot() const {
  return to_bytes(vms_, down_);
}

void fc_state::restore(const std::string& data) {
  std::map<vm_key, allocation> vms;
  std::set<entity_id> down;
  from_bytes(data, "fabric snapshot", vms, down);
  vms_ = std::move(vms);
  down_ = std::move(down);
  reserved_.clear();
  layouts_.clear();
  for (const auto& [vm, a] : vms_)
    reserve(vm, a);
  check_reservations();
}

} // namespace vmss::fabric
