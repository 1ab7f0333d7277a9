#include "actors/storage/disk_client.hpp"

#include <algorithm>
#include <stdexcept>

namespace vmss::storage {

disk_client::disk_client(uint64_t disk, std::vector<entity_id> view,
                         const disk_client_params& params)
    : disk_(disk), view_(std::move(view)), params_(&params) {
  if (view_.empty())
    throw std::invalid_argument("disk_client: empty replica view");
}

disk_request disk_client::request_to(entity_id target) {
  target_ = target;
  tried_.push_back(target);
  ++attempt_;
  disk_io msg{disk_, op_, kind_,
              kind_ == disk_op::hydrate ? params_->hydrate_bytes : 0, silent_};
  auto timeout = kind_ == disk_op::hydrate ? params_->hydrate_timeout
                                           : params_->io_timeout;
  return {target, std::move(msg), timeout, disk_io_due{disk_, op_, attempt_}};
}

disk_request disk_client::start(disk_op kind) {
  if (busy_)
    throw std::logic_error("disk_client: an I/O is already in flight");
  busy_ = true;
  ++op_;
  attempt_ = 0;
  kind_ = kind;
  tried_.clear();
  silent_.clear();
  return request_to(view_.front());
}

disk_outcome disk_client::finish(disk_outcome_kind kind, disk_failure reason) {
  busy_ = false;
  return {kind, reason, std::nullopt};
}

/// Retries at the first replica of the view not tried for this op.
disk_outcome disk_client::next_or_fail() {
  for (auto r : view_)
    if (std::find(tried_.begin(), tried_.end(), r) == tried_.end())
      return {disk_outcome_kind::retry, disk_failure::none, request_to(r)};
  return finish(disk_outcome_kind::failed, disk_failure::no_answer);
}

disk_outcome disk_client::on_result(const disk_io_result& msg) {
  if (!busy_ || msg.disk != disk_ || msg.op != op_)
    return {};
  if (!msg.replicas.empty())
    view_ = msg.replicas;
  switch (msg.status) {
  case disk_status::ok:
    return finish(disk_outcome_kind::ok, disk_failure::none);
  case disk_status::quorum_lost:
    return finish(disk_outcome_kind::failed, disk_failure::quorum_lost);
  case disk_status::not_primary:
    return next_or_fail();
  }
  return {};
}

disk_outcome disk_client::on_data(const disk_data& msg) {
  if (!busy_ || msg.disk != disk_ || msg.op != op_ || kind_ != disk_op::hydrate)
    return {};
  return finish(disk_outcome_kind::ok, disk_failure::none);
}

disk_outcome disk_client::on_timeout(const disk_io_due& msg) {
  if (!busy_ || msg.disk != disk_ || msg.op != op_ || msg.attempt != attempt_)
    return {};
  silent_.push_back(target_);
  return next_or_fail();
}

} // namespace vmss::storage
