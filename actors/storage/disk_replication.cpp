#include "actors/storage/disk_replication.hpp"

#include "kernel/assert.hpp"

#include <algorithm>

namespace vmss::storage {

disk_replication::disk_replication(entity_id self,
                                   const replica_directory& directory,
                                   const replication_params& params)
    : self_(self), directory_(&directory), params_(&params) {
}

disk_record& disk_replication::record(uint64_t disk) {
  auto it = records_.find(disk);
  if (it != records_.end())
    return it->second;
  disk_record fresh;
  fresh.members = directory_->initial(disk);
  return records_.emplace(disk, std::move(fresh)).first->second;
}

const disk_record* disk_replication::find(uint64_t disk) const {
  auto it = records_.find(disk);
  return it == records_.end() ? nullptr : &it->second;
}

bool disk_replication::is_primary(const disk_record& d) const {
  return !d.members.empty() && d.members.front() == self_;
}

sim_time disk_replication::service(sim_time base) const {
  return base * slowness_ / 1000;
}

namespace {

sim_time transfer_ns(uint64_t bytes, uint64_t bytes_per_s) {
  return static_cast<sim_time>(static_cast<__uint128_t>(bytes) * 1'000'000'000 /
                               bytes_per_s);
}

} // namespace

sim_time disk_replication::copy_time(uint64_t bytes) const {
  return service(transfer_ns(bytes, params_->copy_bytes_per_s));
}

sim_time disk_replication::hydrate_time(uint64_t bytes, sim_time now) {
  VMSS_ASSERT(params_->server_bulk_bytes_per_s >= params_->hydrate_bytes_per_s,
              "a server's bulk share holds at least one disk's rate");
  auto start = std::max(now, bulk_busy_until_);
  bulk_busy_until_ =
      start + service(transfer_ns(bytes, params_->server_bulk_bytes_per_s));
  auto alone = service(transfer_ns(bytes, params_->hydrate_bytes_per_s));
  return std::max(alone, bulk_busy_until_ - now);
}

void disk_replication::set_timer(uint64_t disk, uint64_t token, sim_time delay,
                                 disk_timer_kind kind, storage_effects& fx) {
  fx.timers.push_back({delay, disk_timer{disk, token, kind}});
}

void disk_replication::reply(const pending_io& p, disk_status status,
                             storage_effects& fx) {
  const auto& req = p.request;
  if (status == disk_status::ok && req.kind == disk_op::hydrate)
    fx.sends.push_back({p.client, disk_data{req.disk, req.op, req.read_bytes}});
  else
    fx.sends.push_back({p.client, disk_io_result{req.disk, req.op, status,
                                                 record(req.disk).members}});
}

storage_effects disk_replication::on_io(entity_id client, const disk_io& msg,
                                        sim_time now) {
  storage_effects fx;
  auto& d = record(msg.disk);
  take_over(msg.disk, d, msg, fx);
  pending_io p{client, msg, {}};
  if (!is_primary(d)) {
    reply(p, disk_status::not_primary, fx);
    return fx;
  }
  if (d.unavailable) {
    reply(p, disk_status::quorum_lost, fx);
    return fx;
  }
  sim_time local = msg.kind == disk_op::write ? service(params_->write_service)
                                              : service(params_->read_service);
  if (msg.kind == disk_op::hydrate)
    local += hydrate_time(msg.read_bytes, now);
  auto token = next_token_++;
  ios_.emplace(token, std::move(p));
  set_timer(msg.disk, token, local, disk_timer_kind::io_done, fx);
  return fx;
}

void disk_replication::take_over(uint64_t disk, disk_record& d,
                                 const disk_io& msg, storage_effects& fx) {
  if (msg.silent.empty() || d.members.empty() || is_primary(d))
    return;
  auto me = std::find(d.members.begin(), d.members.end(), self_);
  auto old = d.members.front();
  if (me == d.members.end() ||
      std::find(msg.silent.begin(), msg.silent.end(), old) == msg.silent.end())
    return;
  d.members.erase(me);
  d.members.insert(d.members.begin(), self_);
  lose(disk, d, {old}, fx);
}

void disk_replication::lose(uint64_t disk, disk_record& d,
                            const std::vector<entity_id>& lost,
                            storage_effects& fx) {
  for (auto id : lost) {
    auto it = std::find(d.members.begin(), d.members.end(), id);
    if (it == d.members.end() || id == self_)
      continue;
    d.members.erase(it);
    d.dropped.insert(id);
    ++d.epoch;
    fx.notes.push_back({disk_event::degraded, disk, id});
  }
  if (!d.unavailable && d.members.size() < 2) {
    d.unavailable = true;
    fx.notes.push_back({disk_event::unavailable, disk, self_});
  }
  start_copy(disk, d, fx);
}

void disk_replication::start_copy(uint64_t disk, disk_record& d,
                                  storage_effects& fx) {
  if (d.unavailable || !is_primary(d) || d.members.size() >= disk_replicas ||
      copies_.count(disk) != 0)
    return;
  auto target = directory_->replacement(disk, d.members, d.dropped);
  if (!target)
    return; // no server left to copy to: the disk stays degraded
  auto token = next_token_++;
  copies_[disk] = {*target, token};
  auto members = d.members;
  members.push_back(*target);
  fx.sends.push_back({*target, disk_copy{disk, token, d.epoch, d.version,
                                         params_->disk_bytes, members}});
  set_timer(disk, token, params_->copy_timeout, disk_timer_kind::copy_timeout,
            fx);
}

storage_effects disk_replication::on_timer(const disk_timer& msg) {
  storage_effects fx;
  switch (msg.kind) {
  case disk_timer_kind::io_done:
    local_io_done(msg.token, fx);
    break;
  case disk_timer_kind::replicate_timeout:
    replicate_timed_out(msg.token, fx);
    break;
  case disk_timer_kind::replica_written:
  case disk_timer_kind::copy_written:
    member_written(msg.token, msg.kind, fx);
    break;
  case disk_timer_kind::copy_timeout:
    copy_timed_out(msg.disk, msg.token, fx);
    break;
  }
  return fx;
}

void disk_replication::local_io_done(uint64_t token, storage_effects& fx) {
  auto it = ios_.find(token);
  if (it == ios_.end())
    return;
  auto& p = it->second;
  auto disk = p.request.disk;
  auto& d = record(disk);
  if (!is_primary(d) || d.unavailable || p.request.kind != disk_op::write) {
    reply(p,
          !is_primary(d)  ? disk_status::not_primary
          : d.unavailable ? disk_status::quorum_lost
                          : disk_status::ok,
          fx);
    ios_.erase(it);
    return;
  }
  ++d.version;
  for (auto m : d.members) {
    if (m == self_)
      continue;
    p.waiting.push_back(m);
    fx.sends.push_back(
        {m, disk_replicate{disk, token, d.epoch, d.version, d.members}});
  }
  set_timer(disk, token, params_->replicate_timeout,
            disk_timer_kind::replicate_timeout, fx);
}

storage_effects disk_replication::on_replicated(entity_id member,
                                                const disk_replicated& msg) {
  storage_effects fx;
  auto it = ios_.find(msg.token);
  if (it == ios_.end() || it->second.request.disk != msg.disk)
    return fx;
  auto& p = it->second;
  auto& d = record(msg.disk);
  if (!msg.accepted) {
    // A member knows a newer membership: this server was deposed.
    if (msg.epoch > d.epoch) {
      d.members = msg.members;
      d.epoch = msg.epoch;
    }
    reply(p, disk_status::not_primary, fx);
    ios_.erase(it);
    return fx;
  }
  p.waiting.erase(std::remove(p.waiting.begin(), p.waiting.end(), member),
                  p.waiting.end());
  if (p.waiting.empty()) {
    reply(p, disk_status::ok, fx);
    ios_.erase(it);
  }
  return fx;
}

void disk_replication::replicate_timed_out(uint64_t token,
                                           storage_effects& fx) {
  auto it = ios_.find(token);
  if (it == ios_.end())
    return;
  auto& p = it->second;
  auto& d = record(p.request.disk);
  lose(p.request.disk, d, p.waiting, fx);
  reply(p, d.unavailable ? disk_status::quorum_lost : disk_status::ok, fx);
  ios_.erase(it);
}

storage_effects disk_replication::on_replicate(entity_id primary,
                                               const disk_replicate& msg) {
  storage_effects fx;
  auto& d = record(msg.disk);
  if (msg.epoch < d.epoch) {
    fx.sends.push_back({primary, disk_replicated{msg.disk, msg.token, false,
                                                 d.epoch, d.members}});
    return fx;
  }
  d.members = msg.members;
  d.epoch = msg.epoch;
  d.version = msg.version;
  auto token = next_token_++;
  writes_[token] = {msg.disk, primary, msg.token};
  set_timer(msg.disk, token, service(params_->write_service),
            disk_timer_kind::replica_written, fx);
  return fx;
}

storage_effects disk_replication::on_copy(entity_id primary,
                                          const disk_copy& msg) {
  storage_effects fx;
  auto& d = record(msg.disk);
  if (msg.epoch >= d.epoch) {
    d.members = msg.members;
    d.epoch = msg.epoch;
    d.version = msg.version;
  }
  auto token = next_token_++;
  writes_[token] = {msg.disk, primary, msg.token};
  set_timer(msg.disk, token, copy_time(msg.bytes),
            disk_timer_kind::copy_written, fx);
  return fx;
}

void disk_replication::member_written(uint64_t token, disk_timer_kind kind,
                                      storage_effects& fx) {
  auto it = writes_.find(token);
  if (it == writes_.end())
    return;
  const auto& w = it->second;
  if (kind == disk_timer_kind::copy_written) {
    fx.sends.push_back({w.primary, disk_copied{w.disk, w.primary_token}});
  } else {
    const auto& d = record(w.disk);
    fx.sends.push_back({w.primary, disk_replicated{w.disk, w.primary_token,
                                                   true, d.epoch, d.members}});
  }
  writes_.erase(it);
}

storage_effects disk_replication::on_copied(entity_id target,
                                            const disk_copied& msg) {
  storage_effects fx;
  auto it = copies_.find(msg.disk);
  if (it == copies_.end() || it->second.token != msg.token ||
      it->second.target != target)
    return fx;
  copies_.erase(it);
  auto& d = record(msg.disk);
  if (!is_primary(d) || d.unavailable)
    return fx;
  d.members.push_back(target);
  ++d.epoch;
  fx.notes.push_back({disk_event::rereplicated, msg.disk, target});
  start_copy(msg.disk, d, fx);
  return fx;
}

void disk_replication::copy_timed_out(uint64_t disk, uint64_t token,
                                      storage_effects& fx) {
  auto it = copies_.find(disk);
  if (it == copies_.end() || it->second.token != token)
    return;
  auto& d = record(disk);
  d.dropped.insert(it->second.target);
  copies_.erase(it);
  start_copy(disk, d, fx);
}

void disk_replication::crash() {
  bulk_busy_until_ = 0;
  ios_.clear();
  writes_.clear();
  copies_.clear();
}

storage_effects disk_replication::restart() {
  storage_effects fx;
  std::vector<uint64_t> disks;
  for (const auto& entry : records_)
    disks.push_back(entry.first);
  std::sort(disks.begin(), disks.end());
  for (auto disk : disks)
    start_copy(disk, records_.at(disk), fx);
  return fx;
}

} // namespace vmss::storage
