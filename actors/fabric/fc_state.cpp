#include "actors/fabric/fc_state.hpp"

#include "messages/vm_vocabulary.hpp"

#include <sstream>
#include <stdexcept>

namespace vmss::fabric {

namespace {

const char* name_of(command_kind k) {
  switch (k) {
  case command_kind::allocate:
    return "allocate";
  case command_kind::operate:
    return "operate";
  case command_kind::host_down:
    return "host_down";
  case command_kind::host_up:
    break;
  }
  return "host_up";
}

void write_allocation(std::ostream& out, const vm_key& vm,
                      const allocation& a) {
  out << vm.scale_set << ' ' << vm.instance << ' ' << a.host << ' ' << a.zone
      << ' ' << a.rack << ' ' << a.fault_domain << ' ' << a.update_domain << ' '
      << a.vcpus << ' ' << a.ram_gb << ' ' << a.requester;
}

bool read_allocation(std::istream& in, vm_key& vm, allocation& a) {
  return static_cast<bool>(
      in >> vm.scale_set >> vm.instance >> a.host >> a.zone >> a.rack >>
      a.fault_domain >> a.update_domain >> a.vcpus >> a.ram_gb >> a.requester);
}

} // namespace

std::string vm_key::name() const {
  return physical::vm_name(scale_set, instance);
}

std::string command::encode() const {
  std::ostringstream out;
  out << name_of(kind) << ' ';
  switch (kind) {
  case command_kind::allocate:
    write_allocation(out, vm, where);
    break;
  case command_kind::operate:
    out << vm.scale_set << ' ' << vm.instance << ' ' << unsigned{op} << ' '
        << where.requester;
    break;
  case command_kind::host_down:
  case command_kind::host_up:
    out << host;
    break;
  }
  return out.str();
}

command command::decode(const std::string& payload) {
  std::istringstream in(payload);
  std::string kind;
  command c;
  in >> kind;
  bool ok = false;
  if (kind == "allocate") {
    c.kind = command_kind::allocate;
    ok = read_allocation(in, c.vm, c.where);
  } else if (kind == "operate") {
    c.kind = command_kind::operate;
    unsigned op = 0;
    ok = static_cast<bool>(in >> c.vm.scale_set >> c.vm.instance >> op >>
                           c.where.requester) &&
         op <= 255;
    c.op = static_cast<uint8_t>(op);
  } else if (kind == "host_down" || kind == "host_up") {
    c.kind =
        kind == "host_down" ? command_kind::host_down : command_kind::host_up;
    ok = static_cast<bool>(in >> c.host);
  }
  if (!ok)
    throw std::invalid_argument("fabric command: malformed '" + payload + "'");
  return c;
}

void fc_state::reserve(const vm_key& vm, const allocation& a, int sign) {
  auto& r = reserved_[a.host];
  r.first += sign * static_cast<int>(a.vcpus);
  r.second += sign * static_cast<int>(a.ram_gb);
  auto& layout = layouts_[vm.scale_set];
  if (sign > 0)
    layout.add(a.zone, a.rack);
  else
    layout.remove(a.zone, a.rack);
}

applied fc_state::apply(const command& c) {
  applied out;
  switch (c.kind) {
  case command_kind::allocate:
    out.changed = vms_.emplace(c.vm, c.where).second;
    if (out.changed)
      reserve(c.vm, c.where, +1);
    break;
  case command_kind::operate: {
    auto i = vms_.find(c.vm);
    if (i == vms_.end())
      break;
    out.changed = true;
    out.operated = i->second;
    if (c.op == delete_op) {
      reserve(i->first, i->second, -1);
      vms_.erase(i);
    }
    break;
  }
  case command_kind::host_down:
    out.changed = down_.insert(c.host).second;
    if (out.changed)
      for (auto i = vms_.begin(); i != vms_.end();) {
        if (i->second.host == c.host) {
          out.lost.emplace_back(i->first, i->second);
          reserve(i->first, i->second, -1);
          i = vms_.erase(i);
        } else {
          ++i;
        }
      }
    break;
  case command_kind::host_up:
    out.changed = down_.erase(c.host) != 0;
    break;
  }
  return out;
}

const allocation* fc_state::find(const vm_key& vm) const {
  auto i = vms_.find(vm);
  return i == vms_.end() ? nullptr : &i->second;
}

scale_set_layout fc_state::layout_of(const std::string& scale_set) const {
  auto i = layouts_.find(scale_set);
  return i == layouts_.end() ? scale_set_layout{} : i->second;
}

std::pair<uint32_t, uint32_t> fc_state::reserved_on(entity_id host) const {
  auto i = reserved_.find(host);
  return i == reserved_.end() ? std::pair<uint32_t, uint32_t>{0, 0} : i->second;
}

std::string fc_state::snapshot() const {
  std::ostringstream out;
  out << vms_.size() << ' ' << down_.size();
  for (const auto& [vm, a] : vms_) {
    out << ' ';
    write_allocation(out, vm, a);
  }
  for (auto h : down_)
    out << ' ' << h;
  return out.str();
}

void fc_state::restore(const std::string& data) {
  std::istringstream in(data);
  size_t vms = 0, down = 0;
  std::map<vm_key, allocation> restored;
  std::set<entity_id> restored_down;
  bool ok = static_cast<bool>(in >> vms >> down);
  for (size_t i = 0; ok && i < vms; ++i) {
    vm_key vm;
    allocation a;
    ok = read_allocation(in, vm, a);
    restored.emplace(vm, a);
  }
  for (size_t i = 0; ok && i < down; ++i) {
    entity_id h = 0;
    ok = static_cast<bool>(in >> h);
    restored_down.insert(h);
  }
  if (!ok)
    throw std::invalid_argument("fabric snapshot: malformed");
  vms_ = std::move(restored);
  down_ = std::move(restored_down);
  reserved_.clear();
  layouts_.clear();
  for (const auto& [vm, a] : vms_)
    reserve(vm, a, +1);
}

} // namespace vmss::fabric
