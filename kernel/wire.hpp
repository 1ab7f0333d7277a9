#pragma once
/// The wire registry of simulation message types: an id per type, and how to
/// encode, decode, compare and sample it. A type's id is its family's number
/// times 256 plus its index within the family (kernel/message_family.hpp),
/// both fixed in the family's module, so ids agree on every node and adding
/// a message to one family never renumbers another.
/// Events crossing node processes carry (type id, payload bytes); a window's
/// events for one node travel as one Cap'n Proto blob (encode_batch).

#include "kernel/event.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace vmss::wire {

struct type_info {
  std::string name;
  void (*encode)(const caf::message& msg, std::vector<char>& out);
  caf::message (*decode)(caf::binary_deserializer& in);
  bool (*equal)(const caf::message& a, const caf::message& b);
  caf::message (*sample)(uint64_t variant);
};

/// Wire id of T, set when T is registered.
template <class T>
inline type_id id_of = no_type;

/// Builds a deterministic value of T whose every field is set, for
/// round-trip tests (defined in wire.cpp on a filling deserializer).
caf::message sample_of_impl(uint64_t variant,
                            caf::message (*make)(caf::deserializer&));

class registry {
public:
  static registry& instance();

  /// Registers T as `id`. Registering the same type again under the same id
  /// is a no-op (every actor system of a process registers its families);
  /// two types on one id, or one type on two ids, is a bug in a module and
  /// throws std::logic_error naming both.
  template <class T>
  void add(type_id id, const std::string& name) {
    if (id == no_type)
      throw std::logic_error("message " + name +
                             ": wire id 0xFFFF is reserved");
    if (id_of<T> != no_type) {
      if (id_of<T> != id)
        throw std::logic_error("message " + name + " registered as wire ids " +
                               std::to_string(id_of<T>) + " and " +
                               std::to_string(id));
      return;
    }
    if (id < types_.size() && !types_[id].name.empty())
      throw std::logic_error("messages " + types_[id].name + " and " + name +
                             " share wire id " + std::to_string(id));
    if (id >= types_.size())
      types_.resize(size_t{id} + 1);
    id_of<T> = id;
    types_[id] = {name, &encode_impl<T>, &decode_impl<T>, &equal_impl<T>,
                  &sample_impl<T>};
    ids_.insert(std::lower_bound(ids_.begin(), ids_.end(), id), id);
  }

  const type_info& at(type_id id) const {
    if (id >= types_.size() || types_[id].name.empty())
      throw std::out_of_range("unknown wire type id " + std::to_string(id));
    return types_[id];
  }

  /// The registered ids, ascending.
  const std::vector<type_id>& ids() const { return ids_; }

private:
  // Trivially copyable types travel as their bytes: every node runs the same
  // binary, so layouts agree, and this skips CAF's per-field serializer.
  // Other types go through CAF's binary serializer (their inspect()).
  template <class T>
  static void encode_impl(const caf::message& msg, std::vector<char>& out) {
    const T& x = msg.get_as<T>(0);
    if constexpr (std::is_trivially_copyable_v<T>) {
      auto* bytes = reinterpret_cast<const char*>(&x);
      out.insert(out.end(), bytes, bytes + sizeof(T));
    } else {
      caf::binary_serializer sink{nullptr, out};
      if (auto err = sink(const_cast<T&>(x)))
        throw std::runtime_error("cannot encode a message");
    }
  }

  template <class T>
  static caf::message decode_impl(caf::binary_deserializer& in) {
    T x;
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (auto err = in.apply_raw(sizeof(T), &x))
        throw std::runtime_error("truncated message payload");
    } else {
      if (auto err = in(x))
        throw std::runtime_error("truncated or corrupt message payload");
    }
    return caf::make_message(std::move(x));
  }

  template <class T>
  static bool equal_impl(const caf::message& a, const caf::message& b) {
    return a.match_elements<T>() && b.match_elements<T>() &&
           a.get_as<T>(0) == b.get_as<T>(0);
  }

  template <class T>
  static caf::message fill(caf::deserializer& src) {
    T x;
    src(x);
    return caf::make_message(std::move(x));
  }

  template <class T>
  static caf::message sample_impl(uint64_t variant) {
    return sample_of_impl(variant, &fill<T>);
  }

  std::vector<type_info> types_; ///< by id; an empty name marks a gap
  std::vector<type_id> ids_;
};

/// Encodes events bound for one node as one Cap'n Proto blob.
std::vector<char> encode_batch(uint32_t from_node,
                               const std::vector<event>& events);

/// Decodes a blob made by encode_batch, appending to `out`. Throws
/// std::runtime_error on a malformed blob or an unknown type id.
void decode_batch(const std::vector<char>& blob, std::vector<event>& out);

} // namespace vmss::wire
