/// Chrome trace JSON writer (docs/trace-format.md, "Chrome trace").
///
/// Processes: one per region's control plane (entities outside a zone), one
/// per zone (`REGION/zK/...`), one per scale set (`REGION/SET`). Threads:
/// one per entity (tid 65536 + entity id) and one per scale-set instance.
/// Each record becomes trace events through `chrome_builder::on_record`;
/// what is open (slices, counters' last values, flows) is closed or repeated
/// at every part boundary so that each part is a complete trace.

#include "analysis/chrome_export.hpp"
#include "analysis/export.hpp"
#include "kernel/sim_time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace vmss::analysis {

namespace {

constexpr uint32_t tid_base = 65536; ///< thread ids start here; pids below
constexpr size_t chunk_bytes = 256 * 1024;

void append_uint(uint64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr - buf);
}

/// Microseconds with three decimals: exactly the nanoseconds.
void append_ts(int64_t t_ns, std::string& out) {
  if (t_ns < 0) {
    out.push_back('-');
    t_ns = -t_ns;
  }
  append_uint(static_cast<uint64_t>(t_ns / 1000), out);
  int64_t frac = t_ns % 1000;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + frac / 100));
  out.push_back(static_cast<char>('0' + frac / 10 % 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

const trace::value* find_field(const record& r, std::string_view key) {
  for (const auto& f : r.fields)
    if (f.key == key)
      return &f.val;
  return nullptr;
}

std::string text_field(const record& r, std::string_view key) {
  const trace::value* v = find_field(r, key);
  if (v == nullptr)
    return {};
  if (const auto* s = std::get_if<std::string>(v))
    return *s;
  if (const auto* i = std::get_if<int64_t>(v))
    return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(v))
    return *b ? "true" : "false";
  return std::to_string(std::get<double>(*v));
}

/// An int64 field, or `fallback` when absent or of another type.
int64_t int_field(const record& r, std::string_view key, int64_t fallback) {
  const trace::value* v = find_field(r, key);
  const auto* i = v ? std::get_if<int64_t>(v) : nullptr;
  return i ? *i : fallback;
}

std::string_view first_component(std::string_view path) {
  return path.substr(0, path.find('/'));
}

/// "zK" (K decimal digits) as the second path component: K, else -1.
int zone_of(std::string_view path) {
  auto slash = path.find('/');
  if (slash == std::string_view::npos)
    return -1;
  std::string_view rest = path.substr(slash + 1);
  std::string_view comp = rest.substr(0, rest.find('/'));
  if (comp.size() < 2 || comp.size() > 6 || comp[0] != 'z')
    return -1;
  int zone = 0;
  for (char c : comp.substr(1)) {
    if (c < '0' || c > '9')
      return -1;
    zone = zone * 10 + (c - '0');
  }
  return zone;
}

/// `"args":{…}` of every field of `r` (leading comma included).
void append_args(const record& r, std::string& out) {
  if (r.fields.empty())
    return;
  out += ",\"args\":{";
  bool first = true;
  for (const auto& f : r.fields) {
    if (!first)
      out.push_back(',');
    first = false;
    append_json_string(f.key, out);
    out.push_back(':');
    append_json_value(f.val, out);
  }
  out.push_back('}');
}

/// Where a process's events go and how it is named.
struct process_info {
  std::string name;
  std::string prefix; ///< path prefix its threads' names drop
};

struct thread_info {
  uint32_t pid = 0;
  std::string name;
};

/// A control-plane flow in flight and where its last point was.
struct flow {
  uint64_t id = 0;
  uint32_t pid = 0;
  uint32_t tid = 0;
  int stage = 0; ///< 0 orchestrator, 1 fabric controller, 2 host agent
};

/// One part file being written: header, comma-separated events, footer.
class part_output {
public:
  part_output(const chrome_part_opener& open, const trace::manifest& m)
      : open_(open), m_(m) {}

  void start(int64_t t_ns) {
    out_ = &open_(parts.size());
    parts.push_back({t_ns, t_ns, 0, 0});
    first_ = true;
    records = 0;
    buf_ = "{\"traceEvents\":[\n";
  }

  void add(const std::string& event) {
    if (!first_)
      buf_ += ",\n";
    first_ = false;
    buf_ += event;
    ++parts.back().events;
    if (buf_.size() >= chunk_bytes)
      flush();
  }

  void finish(int64_t to_ns) {
    buf_ += "\n],\n\"displayTimeUnit\":\"ms\",\"otherData\":{\"scenario\":";
    append_json_string(m_.scenario, buf_);
    buf_ += ",\"seed\":";
    append_uint(m_.seed, buf_);
    buf_ += ",\"part\":";
    append_uint(parts.size() - 1, buf_);
    buf_ += ",\"from_ns\":" + std::to_string(parts.back().from_ns) +
            ",\"to_ns\":" + std::to_string(to_ns) + "}}\n";
    parts.back().to_ns = to_ns;
    flush();
    out_->flush();
    if (!*out_)
      throw std::runtime_error("chrome export: write failed");
  }

  uint64_t bytes() const { return parts.back().bytes + buf_.size(); }

  std::vector<chrome_part> parts;
  uint64_t records = 0; ///< records rendered into the current part

private:
  void flush() {
    out_->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    parts.back().bytes += buf_.size();
    buf_.clear();
    if (!*out_)
      throw std::runtime_error("chrome export: write failed");
  }

  const chrome_part_opener& open_;
  const trace::manifest& m_;
  std::ostream* out_ = nullptr;
  std::string buf_;
  bool first_ = true;
};

class chrome_builder {
public:
  chrome_builder(const trace::manifest& m, const chrome_options& o,
                 const chrome_part_opener& open)
      : m_(m), o_(o), out_(open, m) {
    assign_processes();
    emitting_ = o_.filter.from_ns <= 0;
    if (emitting_)
      out_.start(0);
  }

  void on_record(const record& r) {
    if (!o_.filter.event_selected(r.event) || !o_.filter.path_selected(r.path))
      return;
    if (r.t_ns() >= o_.filter.to_ns)
      return;
    if (!emitting_ && r.t_ns() >= o_.filter.from_ns)
      enter_window();
    if (emitting_ && o_.max_part_bytes != 0 && out_.records > 0 &&
        out_.bytes() + reserve() > o_.max_part_bytes)
      split(r.t_ns());
    uint64_t before = emitting_ ? out_.bytes() : 0;
    last_ns_ = std::max(last_ns_, r.t_ns());
    dispatch(r);
    if (emitting_) {
      ++records_;
      ++out_.records;
      max_record_bytes_ = std::max(max_record_bytes_, out_.bytes() - before);
    }
  }

  chrome_result finish() {
    if (!emitting_)
      enter_window();
    int64_t end = m_.complete ? m_.end_t_ns : m_.complete_until_ns;
    end = std::min(end, o_.filter.to_ns);
    end = std::max({end, last_ns_, out_.parts.back().from_ns});
    close_all(end, "flow open at the end of the export");
    out_.finish(end);
    return {records_, out_.parts};
  }

private:
  // --- processes and threads -------------------------------------------

  void assign_processes() {
    // Key (region, zone or -1), sorted: each region's control plane, then
    // its zones in order.
    std::map<std::pair<std::string, int>, uint32_t> keys;
    std::vector<std::pair<std::string, int>> of_entity;
    of_entity.reserve(m_.entities.size());
    for (const auto& e : m_.entities) {
      std::pair<std::string, int> key{std::string(first_component(e.path)),
                                      zone_of(e.path)};
      keys.emplace(key, 0);
      of_entity.push_back(std::move(key));
    }
    for (auto& [key, pid] : keys) {
      pid = static_cast<uint32_t>(procs_.size() + 1);
      if (key.second < 0)
        procs_.push_back({key.first + " control plane", key.first + "/"});
      else
        procs_.push_back({key.first + " zone " + std::to_string(key.second),
                          key.first + "/z" + std::to_string(key.second) + "/"});
    }
    entity_pid_.reserve(of_entity.size());
    for (const auto& key : of_entity)
      entity_pid_.push_back(keys.at(key));
    proc_named_.assign(procs_.size() + 1, false);
  }

  uint32_t entity_tid(const record& r) const { return tid_base + r.entity(); }
  uint32_t entity_pid(const record& r) const {
    return entity_pid_.at(r.entity());
  }

  uint32_t set_pid(std::string_view region, const std::string& set) {
    std::string key = std::string(region) + "/" + set;
    auto it = set_pid_.find(key);
    if (it != set_pid_.end())
      return it->second;
    if (procs_.size() + 1 >= tid_base)
      throw std::runtime_error("chrome export: more than 65535 processes");
    auto pid = static_cast<uint32_t>(procs_.size() + 1);
    procs_.push_back(
        {"scale set " + set + " (" + std::string(region) + ")", key + "/"});
    proc_named_.push_back(false);
    set_pid_.emplace(key, pid);
    return pid;
  }

  uint32_t instance_tid(std::string_view region, const std::string& set,
                        int64_t instance) {
    std::string key =
        std::string(region) + "/" + set + "/" + std::to_string(instance);
    auto it = instance_tid_.find(key);
    if (it != instance_tid_.end())
      return it->second;
    uint64_t tid = uint64_t{tid_base} + m_.entities.size() + extra_.size();
    if (tid > UINT32_MAX)
      throw std::runtime_error("chrome export: more than 2^32 threads");
    extra_.push_back(
        {set_pid(region, set), set + "/" + std::to_string(instance)});
    instance_tid_.emplace(key, static_cast<uint32_t>(tid));
    return static_cast<uint32_t>(tid);
  }

  thread_info thread_of(uint32_t tid) const {
    size_t index = tid - tid_base;
    if (index < m_.entities.size()) {
      const auto& e = m_.entities[index];
      uint32_t pid = entity_pid_[index];
      const auto& prefix = procs_[pid - 1].prefix;
      std::string name = e.path.compare(0, prefix.size(), prefix) == 0
                             ? e.path.substr(prefix.size())
                             : e.path;
      return {pid, name.empty() ? e.kind : name + " (" + e.kind + ")"};
    }
    return extra_.at(index - m_.entities.size());
  }

  uint32_t pid_of_thread(uint32_t tid) const {
    size_t index = tid - tid_base;
    return index < m_.entities.size()
               ? entity_pid_[index]
               : extra_.at(index - m_.entities.size()).pid;
  }

  void name_process(uint32_t pid) {
    if (proc_named_[pid])
      return;
    proc_named_[pid] = true;
    std::string ev = "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":";
    append_uint(pid, ev);
    ev += ",\"args\":{\"name\":";
    append_json_string(procs_[pid - 1].name, ev);
    ev += "}}";
    out_.add(ev);
    ev = "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":";
    append_uint(pid, ev);
    ev += ",\"args\":{\"sort_index\":";
    append_uint(pid, ev);
    ev += "}}";
    out_.add(ev);
  }

  void name_thread(uint32_t tid) {
    size_t index = tid - tid_base;
    if (index >= thread_named_.size())
      thread_named_.resize(index + 1, false);
    if (thread_named_[index])
      return;
    thread_named_[index] = true;
    thread_info t = thread_of(tid);
    name_process(t.pid);
    std::string head = "{\"ph\":\"M\",\"pid\":";
    append_uint(t.pid, head);
    head += ",\"tid\":";
    append_uint(tid, head);
    std::string ev = head + ",\"name\":\"thread_name\",\"args\":{\"name\":";
    append_json_string(t.name, ev);
    out_.add(ev + "}}");
    ev = head + ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":";
    append_uint(tid, ev);
    out_.add(ev + "}}");
  }

  // --- event text --------------------------------------------------------

  /// `{"ph":PH,"name":NAME,"pid":P,"tid":T,"ts":TS` (no closing brace);
  /// names the thread first.
  std::string head(const char* ph, std::string_view name, uint32_t tid,
                   int64_t t_ns) {
    name_thread(tid);
    std::string ev = "{\"ph\":\"";
    ev += ph;
    ev += "\",\"name\":";
    append_json_string(name, ev);
    ev += ",\"pid\":";
    append_uint(pid_of_thread(tid), ev);
    ev += ",\"tid\":";
    append_uint(tid, ev);
    ev += ",\"ts\":";
    append_ts(t_ns, ev);
    return ev;
  }

  void begin_slice(uint32_t tid, const std::string& name, int64_t t_ns,
                   const record* args) {
    open_[tid].push_back(name);
    if (!emitting_)
      return;
    std::string ev = head("B", name, tid, t_ns);
    if (args)
      append_args(*args, ev);
    out_.add(ev + "}");
  }

  void end_slice(uint32_t tid, int64_t t_ns) {
    auto it = open_.find(tid);
    if (it == open_.end() || it->second.empty())
      return;
    std::string name = std::move(it->second.back());
    it->second.pop_back();
    if (it->second.empty())
      open_.erase(it);
    if (emitting_)
      out_.add(head("E", name, tid, t_ns) + "}");
  }

  void end_all_on(uint32_t tid, int64_t t_ns) {
    while (open_.count(tid))
      end_slice(tid, t_ns);
  }

  /// A zero-length complete slice for a record (flows bind to it).
  void step_slice(const record& r) {
    if (!emitting_)
      return;
    std::string ev = head("X", r.event, entity_tid(r), r.t_ns());
    ev += ",\"dur\":0";
    append_args(r, ev);
    out_.add(ev + "}");
  }

  void thread_instant(const record& r) {
    if (!emitting_)
      return;
    std::string ev = head("i", r.event, entity_tid(r), r.t_ns());
    ev += ",\"s\":\"t\"";
    append_args(r, ev);
    out_.add(ev + "}");
  }

  void global_instant(const record& r) {
    if (!emitting_)
      return;
    std::string name(r.event);
    name += ": " + text_field(r, "fault") + " " + text_field(r, "target");
    std::string ev = head("i", name, entity_tid(r), r.t_ns());
    ev += ",\"s\":\"g\"";
    append_args(r, ev);
    out_.add(ev + "}");
  }

  /// Sets counter `name` of process `pid` to `args` (a JSON object of
  /// numbers) and writes it.
  void counter(uint32_t pid, const std::string& name, std::string args,
               int64_t t_ns) {
    auto& slot = counters_[{pid, name}];
    slot = std::move(args);
    if (emitting_)
      write_counter(pid, name, slot, t_ns);
  }

  void write_counter(uint32_t pid, const std::string& name,
                     const std::string& args, int64_t t_ns) {
    name_process(pid);
    std::string ev = "{\"ph\":\"C\",\"name\":";
    append_json_string(name, ev);
    ev += ",\"pid\":";
    append_uint(pid, ev);
    ev += ",\"ts\":";
    append_ts(t_ns, ev);
    out_.add(ev + ",\"args\":" + args + "}");
  }

  void flow_event(const char* ph, const flow& f, int64_t t_ns) {
    std::string ev = head(ph, "operation", f.tid, t_ns);
    ev += ",\"cat\":\"control_plane\",\"id\":";
    append_uint(f.id, ev);
    out_.add(ev + ",\"bp\":\"e\"}");
  }

  // --- records -----------------------------------------------------------

  void dispatch(const record& r) {
    const std::string_view e = r.event;
    if (e == "vm_state")
      on_vm_state(r);
    else if (e == "instance_view")
      on_instance_view(r);
    else if (e == "fault_injected" || e == "fault_recovered")
      global_instant(r);
    else if (e == "capacity_changed")
      on_capacity(r);
    else if (e == "lb_backend")
      on_lb_backend(r);
    else if (e == "requests")
      on_requests(r);
    else if (e == "autoscale_evaluated")
      on_autoscale(r);
    else if (e == "autoscale_forecast")
      on_forecast(r);
    else if (e == "arm_request")
      on_arm_request(r);
    else if (e == "instance_operation")
      on_instance_operation(r);
    else if (e == "placement" || e == "vm_operation")
      on_fabric_step(r);
    else if (e == "vm_admitted")
      on_host_admitted(r);
    else if (e == "vm_rejected")
      on_host_rejected(r);
    else
      thread_instant(r);
  }

  std::string instance_key(const record& r) const {
    return std::string(first_component(r.path)) + "/" +
           text_field(r, "scale_set") + "/" +
           std::to_string(int_field(r, "instance_id", -1));
  }

  void on_vm_state(const record& r) {
    uint32_t tid = entity_tid(r);
    std::string state = text_field(r, "state");
    end_all_on(tid, r.t_ns());
    if (state == "deleted")
      thread_instant(r);
    else
      begin_slice(tid, state, r.t_ns(), &r);
    if (text_field(r, "scale_set").empty())
      return;
    auto it = flows_.find(instance_key(r));
    if (it == flows_.end() || it->second.stage < 1)
      return;
    it->second.pid = entity_pid(r);
    it->second.tid = tid;
    if (emitting_)
      flow_event("f", it->second, r.t_ns());
    flows_.erase(it);
  }

  /// The instance's thread of its scale set's process: provisioning state
  /// slices, each holding its power state slices.
  void on_instance_view(const record& r) {
    std::string set = text_field(r, "scale_set");
    uint32_t tid = instance_tid(first_component(r.path), set,
                                int_field(r, "instance_id", -1));
    std::string prov = text_field(r, "provisioning_state");
    std::string power = text_field(r, "power_state");
    auto& now = instance_state_[tid];
    if (now.first == prov && now.second == power)
      return;
    if (now.first != prov) {
      end_all_on(tid, r.t_ns());
      if (prov != "Deleted")
        begin_slice(tid, prov, r.t_ns(), &r);
    } else {
      end_slice(tid, r.t_ns());
    }
    if (prov != "Deleted")
      begin_slice(tid, power, r.t_ns(), nullptr);
    now = {prov, power};
  }

  void on_capacity(const record& r) {
    uint32_t pid = set_pid(first_component(r.path), text_field(r, "scale_set"));
    counter(pid, "capacity",
            "{\"capacity\":" + std::to_string(int_field(r, "to", 0)) + "}",
            r.t_ns());
    step_slice(r);
    end_arm_flows(r);
  }

  void on_lb_backend(const record& r) {
    std::string pool = text_field(r, "pool");
    auto& members = lb_members_[std::string(r.path) + "\n" + pool];
    members[text_field(r, "vm")] = text_field(r, "member") == "true";
    int64_t n = std::count_if(members.begin(), members.end(),
                              [](const auto& m) { return m.second; });
    counter(entity_pid(r), "backends " + std::string(r.path) + " " + pool,
            "{\"members\":" + std::to_string(n) + "}", r.t_ns());
    thread_instant(r);
  }

  void on_requests(const record& r) {
    std::string target = text_field(r, "target");
    counter(entity_pid(r),
            "requests " + text_field(r, "workload") + " " +
                (target.empty() ? "(no target)" : target),
            "{\"ok\":" + std::to_string(int_field(r, "ok", 0)) +
                ",\"failed\":" + std::to_string(int_field(r, "failed", 0)) +
                "}",
            r.t_ns());
  }

  /// `metrics` ("rules[0] Percentage CPU=78.25;…"): one counter value per
  /// metric name with a number (the first rule's; "missing" skipped).
  void on_autoscale(const record& r) {
    thread_instant(r);
    std::string metrics = text_field(r, "metrics");
    std::map<std::string, double> values;
    size_t start = 0;
    while (start < metrics.size()) {
      size_t end = metrics.find(';', start);
      std::string item = metrics.substr(start, end - start);
      start = end == std::string::npos ? metrics.size() : end + 1;
      size_t space = item.find(' ');
      size_t eq = item.rfind('=');
      if (space == std::string::npos || eq == std::string::npos || eq < space)
        continue;
      std::string value = item.substr(eq + 1);
      double d = 0;
      auto res = std::from_chars(value.data(), value.data() + value.size(), d);
      if (res.ec != std::errc() || res.ptr != value.data() + value.size())
        continue;
      values.emplace(item.substr(space + 1, eq - space - 1), d);
    }
    if (values.empty())
      return;
    std::string args = "{";
    for (const auto& [name, d] : values) {
      if (args.size() > 1)
        args.push_back(',');
      append_json_string(name, args);
      args.push_back(':');
      append_json_value(d, args);
    }
    counter(set_pid(first_component(r.path), text_field(r, "scale_set")),
            "metrics", args + "}", r.t_ns());
  }

  void on_forecast(const record& r) {
    thread_instant(r);
    const trace::value* v = find_field(r, "value");
    if (v == nullptr || !std::holds_alternative<double>(*v))
      return;
    std::string args = "{\"Percentage CPU\":";
    append_json_value(*v, args);
    counter(set_pid(first_component(r.path), text_field(r, "scale_set")),
            "forecast", args + "}", r.t_ns());
  }

  std::string set_key(const record& r) const {
    return std::string(first_component(r.path)) + "/" +
           text_field(r, "scale_set");
  }

  flow new_flow(const record& r) {
    return {next_flow_id_++, entity_pid(r), entity_tid(r), 0};
  }

  /// ARM: an accepted request starts a flow that ends at the
  /// orchestrator's next capacity_changed or instance_operation of the set.
  void on_arm_request(const record& r) {
    step_slice(r);
    if (!emitting_ || text_field(r, "accepted") != "true")
      return;
    flow f = new_flow(r);
    flow_event("s", f, r.t_ns());
    arm_flows_[set_key(r)].push_back(f);
  }

  void end_arm_flows(const record& r) {
    auto it = arm_flows_.find(set_key(r));
    if (it == arm_flows_.end())
      return;
    for (auto f : it->second) {
      f.pid = entity_pid(r);
      f.tid = entity_tid(r);
      flow_event("f", f, r.t_ns());
    }
    arm_flows_.erase(it);
  }

  /// Orchestrator: an operation on one instance starts its flow (a flow of
  /// the instance still in flight ends here: the new one supersedes it).
  void on_instance_operation(const record& r) {
    step_slice(r);
    end_arm_flows(r);
    if (!emitting_)
      return;
    std::string key = instance_key(r);
    auto it = flows_.find(key);
    if (it != flows_.end()) {
      it->second.pid = entity_pid(r);
      it->second.tid = entity_tid(r);
      flow_event("f", it->second, r.t_ns());
      flows_.erase(it);
    }
    flow f = new_flow(r);
    flow_event("s", f, r.t_ns());
    flows_.emplace(key, f);
  }

  /// Fabric controller: `vm` is SET/N.
  void on_fabric_step(const record& r) {
    step_slice(r);
    std::string vm = text_field(r, "vm");
    auto slash = vm.rfind('/');
    if (slash == std::string::npos)
      return;
    std::string key = std::string(first_component(r.path)) + "/" + vm;
    auto it = flows_.find(key);
    if (it == flows_.end() || it->second.stage != 0)
      return;
    it->second.stage = 1;
    it->second.pid = entity_pid(r);
    it->second.tid = entity_tid(r);
    flow_event("t", it->second, r.t_ns());
    if (r.event == "placement")
      host_waiting_[text_field(r, "host")].push_back(key);
  }

  /// Host agent: the placed instances of a host in the order the fabric
  /// controller placed them.
  void on_host_admitted(const record& r) {
    step_slice(r);
    auto wait = host_waiting_.find(host_of_agent(r.path));
    if (wait == host_waiting_.end())
      return;
    auto& queue = wait->second;
    auto it = flows_.end();
    while (!queue.empty() && it == flows_.end()) {
      it = flows_.find(queue.front()); // a flow that ended meanwhile: skip
      queue.pop_front();
      if (it != flows_.end() && it->second.stage != 1)
        it = flows_.end();
    }
    if (queue.empty())
      host_waiting_.erase(wait);
    if (it == flows_.end())
      return;
    it->second.stage = 2;
    it->second.pid = entity_pid(r);
    it->second.tid = entity_tid(r);
    flow_event("t", it->second, r.t_ns());
  }

  /// Host agent: the host refused the instance; its flow ends here.
  void on_host_rejected(const record& r) {
    step_slice(r);
    std::string key = instance_key(r);
    auto wait = host_waiting_.find(host_of_agent(r.path));
    if (wait != host_waiting_.end()) {
      auto& q = wait->second;
      q.erase(std::remove(q.begin(), q.end(), key), q.end());
      if (q.empty())
        host_waiting_.erase(wait);
    }
    auto it = flows_.find(key);
    if (it == flows_.end())
      return;
    it->second.pid = entity_pid(r);
    it->second.tid = entity_tid(r);
    flow_event("f", it->second, r.t_ns());
    flows_.erase(it);
  }

  /// The host path a host agent serves: its own path less a last
  /// component "agent", if it has one.
  static std::string host_of_agent(std::string_view path) {
    auto slash = path.rfind('/');
    if (slash != std::string_view::npos && path.substr(slash + 1) == "agent")
      return std::string(path.substr(0, slash));
    return std::string(path);
  }

  // --- windows and parts -------------------------------------------------

  void enter_window() {
    emitting_ = true;
    int64_t t = std::max<int64_t>(o_.filter.from_ns, 0);
    out_.start(t);
    reopen(t);
  }

  /// Slices and counters as they stand, at `t_ns` (start of a part).
  void reopen(int64_t t_ns) {
    auto open = std::move(open_);
    open_.clear();
    for (const auto& [tid, names] : open)
      for (const auto& name : names)
        begin_slice(tid, name, t_ns, nullptr);
    for (const auto& [key, args] : counters_)
      write_counter(key.first, key.second, args, t_ns);
  }

  /// Ends every flow (at a zero-length slice named `why` on its last
  /// thread) and writes the end of every open slice; the slices stay open
  /// in the builder's state.
  void close_all(int64_t t_ns, const char* why) {
    auto end_flow = [&](const flow& f) {
      std::string ev = head("X", why, f.tid, t_ns);
      out_.add(ev + ",\"dur\":0}");
      flow_event("f", f, t_ns);
    };
    for (const auto& [key, fs] : arm_flows_)
      for (const auto& f : fs)
        end_flow(f);
    for (const auto& [key, f] : flows_)
      end_flow(f);
    arm_flows_.clear();
    flows_.clear();
    host_waiting_.clear();
    for (const auto& [tid, names] : open_)
      for (auto it = names.rbegin(); it != names.rend(); ++it)
        out_.add(head("E", *it, tid, t_ns) + "}");
  }

  /// Bytes the end of the current part may still need.
  uint64_t reserve() const {
    uint64_t n = 256 + 2 * max_record_bytes_;
    for (const auto& [tid, names] : open_)
      for (const auto& name : names)
        n += 96 + name.size();
    for (const auto& [key, fs] : arm_flows_)
      n += 320 * fs.size();
    n += 320 * flows_.size();
    return n;
  }

  void split(int64_t t_ns) {
    close_all(t_ns, "flow continues in the next part");
    out_.finish(t_ns);
    proc_named_.assign(proc_named_.size(), false);
    thread_named_.assign(thread_named_.size(), false);
    out_.start(t_ns);
    reopen(t_ns);
    uint64_t need = out_.bytes() + reserve();
    if (need > o_.max_part_bytes)
      throw std::invalid_argument(
          "--max-mb: a part starting at " + std::to_string(to_seconds(t_ns)) +
          " s needs about " + std::to_string(need) +
          " bytes for what is open then and one record; give a larger "
          "limit or a narrower --from/--to/--filter");
  }

  const trace::manifest& m_;
  const chrome_options& o_;
  part_output out_;
  bool emitting_ = false;
  uint64_t records_ = 0;
  uint64_t max_record_bytes_ = 0;
  int64_t last_ns_ = 0;
  uint64_t next_flow_id_ = 1;

  std::vector<process_info> procs_;  ///< pid - 1
  std::vector<uint32_t> entity_pid_; ///< by entity id
  std::vector<thread_info> extra_;   ///< instance threads, in tid order
  std::map<std::string, uint32_t> set_pid_;
  std::map<std::string, uint32_t> instance_tid_;
  std::vector<bool> proc_named_;   ///< by pid, in the current part
  std::vector<bool> thread_named_; ///< by tid - tid_base, current part

  std::map<uint32_t, std::vector<std::string>> open_; ///< slice stacks
  std::map<uint32_t, std::pair<std::string, std::string>> instance_state_;
  std::map<std::pair<uint32_t, std::string>, std::string> counters_;
  std::map<std::string, std::map<std::string, bool>> lb_members_;

  std::map<std::string, std::vector<flow>> arm_flows_; ///< REGION/SET
  std::map<std::string, flow> flows_;                  ///< REGION/SET/N
  std::map<std::string, std::deque<std::string>> host_waiting_;
};

} // namespace

chrome_result export_chrome(const trace_reader& reader,
                            const chrome_options& options,
                            const chrome_part_opener& open_part) {
  chrome_builder builder(reader.manifest(), options, open_part);
  reader.for_each([&](const record& r) { builder.on_record(r); });
  return builder.finish();
}

} // namespace vmss::analysis
