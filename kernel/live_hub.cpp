#include "kernel/live_hub.hpp"

#include <chrono>

namespace vmss::live {

answer hub::submit(const std::string& token, std::vector<std::string> words,
                   double timeout_s) {
  uint64_t id = 0;
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_)
      return {false, closed_why_};
    id = next_id_++;
    queue_.push_back({id, std::move(words), token == token_});
    waiting_.insert(id);
    wake = wake_;
  }
  if (wake)
    wake();
  std::unique_lock<std::mutex> lock(mutex_);
  answered_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                     [&] { return closed_ || answers_.count(id) > 0; });
  waiting_.erase(id);
  auto i = answers_.find(id);
  if (i != answers_.end()) {
    answer a = std::move(i->second);
    answers_.erase(i);
    return a;
  }
  if (closed_)
    return {false, closed_why_};
  return {false, "the run did not answer within " +
                     std::to_string(static_cast<int>(timeout_s)) + " s"};
}

void hub::set_wakeup(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = std::move(wake);
}

std::vector<pending> hub::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<pending> out(queue_.begin(), queue_.end());
  queue_.clear();
  return out;
}

void hub::reply(uint64_t id, answer a) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_.count(id) == 0)
      return;
    answers_[id] = std::move(a);
  }
  answered_.notify_all();
}

void hub::close(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    closed_why_ = why;
    queue_.clear();
  }
  answered_.notify_all();
}

} // namespace vmss::live
