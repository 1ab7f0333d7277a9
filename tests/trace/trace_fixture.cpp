#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

namespace vmss::trace_test {

std::string scratch_dir(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      std::string(info->test_suite_name()) + "." + info->name() + suffix;
  auto dir = std::filesystem::path(::testing::TempDir()) / "vmss-trace" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::vector<trace::entity_info> make_entities(size_t n, uint32_t nodes) {
  std::vector<trace::entity_info> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(trace::entity_info{"r/h" + std::to_string(i), "vm",
                                     static_cast<uint32_t>(i % nodes)});
  return out;
}

trace::manifest write_trace(const std::string& dir,
                            const std::vector<trace::entity_info>& entities,
                            const std::vector<test_record>& records,
                            uint32_t nodes) {
  std::map<uint32_t, std::unique_ptr<trace::shard_writer>> writers;
  for (uint32_t n = 0; n < nodes; ++n)
    writers[n] = std::make_unique<trace::shard_writer>(dir, n);
  for (const auto& r : records) {
    auto& w = *writers.at(r.node);
    w.append(r.key, w.intern(r.event), r.fields.data(), r.fields.size());
  }
  trace::manifest m;
  m.scenario = "test";
  m.seed = 7;
  m.nodes = nodes;
  m.events = records.size();
  m.entities = entities;
  for (auto& [node, w] : writers) {
    auto stats = w->close();
    m.shards.push_back(trace::shard_info{node, trace::shard_file_name(node),
                                         stats.records, stats.bytes});
  }
  if (!records.empty())
    m.end_t_ns = records.back().key.t_ns;
  trace::write_manifest(dir, m);
  return m;
}

trace::order_key key(int64_t t_ns, uint32_t entity, uint64_t seq) {
  trace::order_key k;
  k.t_ns = t_ns;
  k.entity = entity;
  k.seq = seq;
  return k;
}

void expect_error(const std::function<void()>& fn,
                  const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    for (const auto& part : parts)
      EXPECT_NE(what.find(part), std::string::npos)
          << "'" << part << "' not in: " << what;
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

void make_incomplete(const std::string& dir, int64_t until_ns,
                     const std::string& tail) {
  auto m = trace::read_manifest(dir);
  m.complete = false;
  m.complete_until_ns = until_ns;
  trace::write_manifest(dir, m);
  for (const auto& s : m.shards)
    std::ofstream(dir + "/" + s.file, std::ios::binary | std::ios::app) << tail;
}

} // namespace vmss::trace_test
