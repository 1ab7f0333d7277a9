#include "actors/control/workload_core.hpp"

#include "input/time_zone.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace vmss::control {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr const char* csv_header = "time,requests_per_second";

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// Digits with at most one '.', at least one digit.
bool is_plain_decimal(const std::string& s) {
  size_t digits = 0, dots = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c == '.')
      ++dots;
    else
      return false;
  }
  return digits > 0 && dots <= 1;
}

sim_time csv_time(const std::string& text, const std::string& where) {
  sim_time t = 0;
  std::string why;
  auto as_duration = is_plain_decimal(text) ? text + "s" : text;
  if (!parse_duration(as_duration, t, &why))
    throw std::invalid_argument(where + ": time '" + text + "': " + why);
  return t;
}

double csv_rate(const std::string& text, const std::string& where) {
  if (!is_plain_decimal(text))
    throw std::invalid_argument(where + ": requests_per_second '" + text +
                                "' is not a non-negative decimal number");
  double rate = std::strtod(text.c_str(), nullptr);
  if (rate > max_rate_per_second)
    throw std::invalid_argument(where + ": requests_per_second " + text +
                                " exceeds the largest rate, 1e8");
  return rate;
}

/// The largest rate the curve's base shape takes.
double base_peak(const rate_curve& c) {
  switch (c.kind) {
  case rate_curve::shape::constant:
    return c.constant;
  case rate_curve::shape::ramp:
    return std::max(c.ramp.from, c.ramp.to);
  case rate_curve::shape::diurnal:
    return std::max(c.diurnal.min, c.diurnal.max);
  default:
    break;
  }
  double peak = 0;
  for (const auto& s : c.steps)
    peak = std::max(peak, s.rate);
  return peak;
}

/// Refuses a curve with a rate below 0 (or not a number), or one that can
/// go above max_rate_per_second.
void check_curve(const rate_curve& c) {
  std::vector<double> rates{c.constant, c.ramp.from, c.ramp.to, c.diurnal.min,
                            c.diurnal.max};
  for (const auto& s : c.steps)
    rates.push_back(s.rate);
  for (const auto& s : c.spikes)
    rates.push_back(s.rate);
  for (double r : rates)
    if (!(r >= 0))
      throw std::invalid_argument("rate: a rate is negative or not a number");
  double peak = base_peak(c);
  for (const auto& s : c.spikes)
    peak += s.rate;
  if (peak > max_rate_per_second)
    throw std::invalid_argument("rate: the curve reaches " +
                                std::to_string(peak) +
                                " requests per second, more than 1e8");
}

} // namespace

std::vector<rate_step> read_rate_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::invalid_argument(path + ": cannot open the file");
  std::vector<rate_step> out;
  std::string line;
  bool first = true;
  for (size_t n = 1; std::getline(in, line); ++n) {
    auto text = trimmed(line);
    if (text.empty())
      continue;
    bool header = first && text == csv_header;
    first = false;
    if (header)
      continue;
    auto where = path + ":" + std::to_string(n);
    auto comma = text.find(',');
    if (comma == std::string::npos ||
        text.find(',', comma + 1) != std::string::npos)
      throw std::invalid_argument(where + ": expected \"" + csv_header + "\"");
    rate_step s{csv_time(trimmed(text.substr(0, comma)), where),
                csv_rate(trimmed(text.substr(comma + 1)), where)};
    if (!out.empty() && s.at <= out.back().at)
      throw std::invalid_argument(where + ": time " + format_duration(s.at) +
                                  " is not after the previous line's " +
                                  format_duration(out.back().at));
    out.push_back(s);
  }
  if (out.empty())
    throw std::invalid_argument(path + ": no \"" + std::string(csv_header) +
                                "\" lines");
  return out;
}

rate_function::rate_function(rate_curve curve, int64_t start_utc_seconds)
    : curve_(std::move(curve)), start_utc_seconds_(start_utc_seconds) {
  check_curve(curve_);
  std::stable_sort(
      curve_.steps.begin(), curve_.steps.end(),
      [](const rate_step& a, const rate_step& b) { return a.at < b.at; });
  if (curve_.kind == rate_curve::shape::diurnal) {
    if (curve_.diurnal.peak_hour > 23)
      throw std::invalid_argument(
          "rate.diurnal.peakHour: " + std::to_string(curve_.diurnal.peak_hour) +
          " is not an hour 0-23");
    zone_ = std::make_unique<input::time_zone>(curve_.diurnal.time_zone);
  }
}

rate_function::~rate_function() = default;
rate_function::rate_function(rate_function&&) noexcept = default;
rate_function& rate_function::operator=(rate_function&&) noexcept = default;

double rate_function::at(sim_time t) const {
  double rate = base(t);
  for (const auto& s : curve_.spikes)
    if (t >= s.at && t - s.at < s.duration)
      rate += s.rate;
  return rate;
}

double rate_function::base(sim_time t) const {
  switch (curve_.kind) {
  case rate_curve::shape::constant:
    return curve_.constant;
  case rate_curve::shape::ramp: {
    const auto& r = curve_.ramp;
    if (t >= r.end)
      return r.to;
    if (t <= r.start)
      return r.from;
    return r.from + (r.to - r.from) * static_cast<double>(t - r.start) /
                        static_cast<double>(r.end - r.start);
  }
  case rate_curve::shape::diurnal:
    return diurnal(t);
  default:
    break;
  }
  // steps and series: the last step at or before t, 0 before the first
  auto it =
      std::upper_bound(curve_.steps.begin(), curve_.steps.end(), t,
                       [](sim_time x, const rate_step& s) { return x < s.at; });
  return it == curve_.steps.begin() ? 0.0 : std::prev(it)->rate;
}

double rate_function::diurnal(sim_time t) const {
  const auto& d = curve_.diurnal;
  auto whole = t / seconds(1);
  auto local = zone_->local(start_utc_seconds_ + whole);
  double hour = local.hour + local.minute / 60.0 +
                (local.second + to_seconds(t - seconds(whole))) / 3600.0;
  double phase = 2 * pi * (hour - d.peak_hour) / 24.0;
  return d.min + (d.max - d.min) * (1 + std::cos(phase)) / 2;
}

uint64_t tick_rounder::next(double rate) {
  constexpr int64_t micro = 1000000;
  carry_micro_ += std::llround(rate * micro); // rate <= 1e8: fits
  auto whole = carry_micro_ / micro;
  carry_micro_ %= micro;
  return static_cast<uint64_t>(whole);
}

double mixture_quantile(const std::vector<latency_part>& parts, double q) {
  double total = 0;
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& p : parts) {
    if (p.weight <= 0)
      continue;
    total += p.weight;
    // the mixture's quantile lies between its parts' quantiles
    double own = p.shift_us + p.mean_us * -std::log1p(-q);
    lo = any ? std::min(lo, p.shift_us) : p.shift_us;
    hi = any ? std::max(hi, own) : own;
    any = true;
  }
  if (!any)
    return 0;
  auto cdf = [&](double x) {
    double sum = 0;
    for (const auto& p : parts) {
      if (p.weight <= 0 || x < p.shift_us)
        continue;
      sum +=
          p.weight *
          (p.mean_us <= 0 ? 1.0 : -std::expm1(-(x - p.shift_us) / p.mean_us));
    }
    return sum / total;
  };
  for (int i = 0; i < 200 && hi - lo > 1e-6 * std::max(1.0, hi); ++i) {
    double mid = (lo + hi) / 2;
    (cdf(mid) < q ? lo : hi) = mid;
  }
  return hi;
}

} // namespace vmss::control

namespace vmss::control {

workload_core::workload_core(workload_core_params params, rate_function rate)
    : params_(std::move(params)), rate_(std::move(rate)) {
  if (params_.direct_lb < 0 && params_.clients == 0)
    throw std::invalid_argument("clients: at least one client group");
  groups_.resize(params_.direct_lb >= 0 ? 1 : params_.clients);
}

void workload_core::set_deadline(uint32_t g, sim_time t) {
  auto& gr = groups_[g];
  deadlines_.erase({gr.deadline, g});
  gr.deadline = t;
  deadlines_.insert({t, g});
}

void workload_core::ask(sim_time now, uint32_t g, workload_effects& fx) {
  auto& gr = groups_[g];
  gr.asking = ++next_seq_;
  fx.queries.push_back(network::dns_query{gr.asking, g});
  set_deadline(g, now + params_.dns_retry);
}

workload_effects workload_core::on_start(sim_time now) {
  workload_effects fx;
  next_tick_ = now;
  if (params_.direct_lb < 0)
    for (uint32_t g = 0; g < groups_.size(); ++g)
      ask(now, g, fx);
  return fx;
}

workload_effects workload_core::on_answer(sim_time now,
                                          const network::dns_answer& a) {
  workload_effects fx;
  if (a.client >= groups_.size() || groups_[a.client].asking != a.seq ||
      a.seq == 0)
    return fx; // a late answer to a query asked again
  auto& gr = groups_[a.client];
  gr.asking = 0;
  gr.lb = a.lb;
  auto ttl = std::max<sim_time>(a.ttl_ns, params_.tick);
  // the first answers expire spread over one TTL (docs/model.md)
  auto life = gr.answered
                  ? ttl
                  : static_cast<sim_time>(static_cast<__int128>(ttl) *
                                          (a.client + 1) / groups_.size());
  gr.answered = true;
  set_deadline(a.client,
               life < sim_time_never - now ? now + life : sim_time_never - 1);
  return fx;
}

void workload_core::run_dns(sim_time now, workload_effects& fx) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto g = deadlines_.begin()->second;
    if (groups_[g].asking == 0) // the answer expired: it serves one tick on
      groups_[g].stale_until = now + params_.tick;
    ask(now, g, fx);
  }
}

int64_t workload_core::destination(sim_time now, const group& gr) const {
  if (params_.direct_lb >= 0)
    return params_.direct_lb;
  if (!gr.answered || (gr.asking != 0 && now >= gr.stale_until))
    return -1;
  return gr.lb;
}

void workload_core::run_tick(sim_time now, workload_effects& fx) {
  auto tick = next_tick_;
  next_tick_ += params_.tick;
  auto n = rounder_.next(rate_.at(tick));
  if (n == 0)
    return;
  tick_state st;
  st.sent = now;
  auto count = static_cast<uint32_t>(groups_.size());
  auto base = n / count;
  auto odd = static_cast<uint32_t>(n % count);
  for (uint32_t g = 0; g < count; ++g) {
    // the odd requests go to `odd` groups from rotate_ on, in turn
    bool extra = (g + count - rotate_) % count < odd;
    auto share = base + (extra ? 1 : 0);
    if (share == 0)
      continue;
    auto lb = destination(now, groups_[g]);
    if (lb < 0)
      st.unresolved += share;
    else
      st.targets[lb].requests += share;
  }
  rotate_ = (rotate_ + odd) % count;
  for (const auto& [lb, t] : st.targets)
    fx.traffic.push_back(
        {lb, network::lb_traffic{static_cast<uint64_t>(tick),
                                 static_cast<uint32_t>(t.requests),
                                 params_.rule, params_.cpu_us, params_.bytes_in,
                                 params_.bytes_out}});
  pending_.emplace(tick, std::move(st));
}

workload_effects workload_core::on_wake(sim_time now) {
  workload_effects fx;
  run_dns(now, fx);
  while (next_tick_ <= now)
    run_tick(now, fx);
  flush(now, fx);
  return fx;
}

workload_effects workload_core::on_result(sim_time now, int64_t lb,
                                          const network::lb_traffic_result& r) {
  workload_effects fx;
  auto it = pending_.find(static_cast<sim_time>(r.tick));
  if (it == pending_.end())
    return fx; // after its timeout
  auto t = it->second.targets.find(lb);
  if (t == it->second.targets.end() || t->second.done)
    return fx;
  auto& target = t->second;
  target.done = true;
  target.ok = r.ok;
  target.failed = r.failed;
  double rtt_us = static_cast<double>(now - it->second.sent) / 1000.0;
  auto n = std::min(r.backend_ok.size(), r.backend_latency_us.size());
  for (size_t i = 0; i < n; ++i)
    target.parts.push_back({static_cast<double>(r.backend_ok[i]), rtt_us,
                            static_cast<double>(r.backend_latency_us[i])});
  flush(now, fx);
  return fx;
}

void workload_core::flush(sim_time now, workload_effects& fx) {
  while (!pending_.empty()) {
    auto& [tick, st] = *pending_.begin();
    bool all = std::all_of(st.targets.begin(), st.targets.end(),
                           [](const auto& t) { return t.second.done; });
    if (!all && now < st.sent + params_.result_timeout)
      return;
    for (const auto& [lb, t] : st.targets) {
      requests_record rec{tick, lb, t.ok, t.done ? t.failed : t.requests};
      rec.p50_ms = mixture_quantile(t.parts, 0.50) / 1000.0;
      rec.p95_ms = mixture_quantile(t.parts, 0.95) / 1000.0;
      rec.p99_ms = mixture_quantile(t.parts, 0.99) / 1000.0;
      if (rec.ok + rec.failed > 0)
        fx.records.push_back(rec);
    }
    if (st.unresolved > 0)
      fx.records.push_back({tick, -1, 0, st.unresolved});
    pending_.erase(pending_.begin());
  }
}

sim_time workload_core::next_wake() const {
  auto t = next_tick_;
  if (!deadlines_.empty())
    t = std::min(t, deadlines_.begin()->first);
  if (!pending_.empty())
    t = std::min(t, pending_.begin()->second.sent + params_.result_timeout);
  return t;
}

} // namespace vmss::control
