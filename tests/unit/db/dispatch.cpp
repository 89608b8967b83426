#define CAF_SUITE db.dispatch
#include <caf/test/dsl.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_pool.hpp>

#include "db/dispatch.hpp"
#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

using namespace sockd;
using namespace sockd::db;

namespace {

stored_message stored(std::string topic, std::string client_id = {}) {
  stored_message m;
  m.topic = std::move(topic);
  m.cid = "c1";
  m.client_id = std::move(client_id);
  return m;
}

caf::message store_msg(const std::string& topic,
                       const std::string& client_id = {}) {
  return caf::make_message(store_atom::value, stored(topic, client_id));
}

size_t pick(const caf::message& msg, size_t workers) {
  std::atomic<size_t> next{0};
  return pick_worker(msg.content(), workers, next);
}

/// What one stand-in worker of the pool received: (worker, store's id).
using log_ptr = std::shared_ptr<std::vector<std::pair<size_t, std::string>>>;

caf::behavior recording_worker(caf::event_based_actor*, size_t index,
                               log_ptr log) {
  return {
    [=](store_atom, const stored_message& msg) {
      log->emplace_back(index, msg.topic + "#" + msg.client_id);
    },
  };
}

} // namespace

CAF_TEST(the routing key of a topic request is its topic) {
  auto key = [](const caf::message& msg) { return routing_key(msg.content()); };
  CAF_CHECK_EQUAL(key(store_msg("chat:a")), std::string{"chat:a"});
  CAF_CHECK_EQUAL(key(caf::make_message(history_atom::value,
                                        std::string{"chat:b"}, int32_t{1},
                                        int32_t{10})),
                  std::string{"chat:b"});
  CAF_CHECK_EQUAL(key(caf::make_message(writers_atom::value,
                                        std::string{"chat:c"},
                                        string_list{"u1"})),
                  std::string{"chat:c"});
}

CAF_TEST(the routing key of a sock_connections write is its connection id) {
  auto key = [](const caf::message& msg) { return routing_key(msg.content()); };
  CAF_CHECK_EQUAL(key(caf::make_message(opened_atom::value,
                                        std::string{"cid-1"},
                                        std::string{"alice"})),
                  std::string{"cid-1"});
  CAF_CHECK_EQUAL(key(caf::make_message(closed_atom::value,
                                        std::string{"cid-1"})),
                  std::string{"cid-1"});
}

CAF_TEST(requests about no topic or connection have no routing key) {
  auto key = [](const caf::message& msg) { return routing_key(msg.content()); };
  CAF_CHECK(!key(caf::make_message(ping_atom::value)));
  CAF_CHECK(!key(caf::make_message(allow_atom::value, std::string{"chat"},
                                   std::string{"alice"}, std::string{"a"},
                                   std::string{"chat:a"})));
}

CAF_TEST(every store of one topic goes to the same worker) {
  for (size_t workers : {1u, 2u, 3u, 8u}) {
    auto first = pick(store_msg("chat:lobby", "1"), workers);
    CAF_CHECK_LESS(first, workers);
    for (int i = 2; i < 50; ++i)
      CAF_CHECK_EQUAL(pick(store_msg("chat:lobby", std::to_string(i)),
                           workers),
                      first);
    // The reads of the topic come after its stores: same worker.
    CAF_CHECK_EQUAL(pick(caf::make_message(history_atom::value,
                                           std::string{"chat:lobby"},
                                           int32_t{1}, int32_t{10}),
                         workers),
                    first);
    CAF_CHECK_EQUAL(pick(caf::make_message(writers_atom::value,
                                           std::string{"chat:lobby"},
                                           string_list{}),
                         workers),
                    first);
  }
}

CAF_TEST(the stores of different topics spread over the workers) {
  constexpr size_t workers = 4;
  std::vector<size_t> per_worker(workers, 0);
  for (int i = 0; i < 64; ++i)
    ++per_worker[pick(store_msg("room:" + std::to_string(i)), workers)];
  for (size_t w = 0; w < workers; ++w) {
    CAF_MESSAGE("worker " << w << ": " << per_worker[w] << " topics");
    CAF_CHECK_GREATER(per_worker[w], 0u);
  }
}

CAF_TEST(keyed requests leave the round robin alone) {
  std::atomic<size_t> next{0};
  auto ping = caf::make_message(ping_atom::value);
  CAF_CHECK_EQUAL(pick_worker(ping.content(), 3, next), 0u);
  CAF_CHECK_EQUAL(pick_worker(ping.content(), 3, next), 1u);
  pick_worker(store_msg("chat:a").content(), 3, next);
  pick_worker(store_msg("chat:b").content(), 3, next);
  CAF_CHECK_EQUAL(pick_worker(ping.content(), 3, next), 2u);
  CAF_CHECK_EQUAL(pick_worker(ping.content(), 3, next), 0u);
}

CAF_TEST_FIXTURE_SCOPE(pool, test_coordinator_fixture<>)

CAF_TEST(through the pool the stores of a topic reach one worker in order) {
  constexpr size_t workers = 3;
  auto log = std::make_shared<log_ptr::element_type>();
  size_t index = 0;
  auto factory = [&] { return sys.spawn(recording_worker, index++, log); };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), workers,
                                    factory, keyed_dispatch());
  const std::vector<std::string> topics{"chat:a", "chat:b", "poll:c",
                                        "room:d"};
  for (int i = 0; i < 20; ++i)
    for (auto& t : topics)
      self->send(pool, store_atom::value, stored(t, std::to_string(i)));
  sched.run();
  CAF_REQUIRE_EQUAL(log->size(), 20 * topics.size());
  for (auto& t : topics) {
    std::set<size_t> at;
    std::vector<std::string> order;
    for (auto& [worker, id] : *log)
      if (id.rfind(t + "#", 0) == 0) {
        at.insert(worker);
        order.push_back(id);
      }
    CAF_CHECK_EQUAL(at.size(), 1u);
    CAF_CHECK_EQUAL(*at.begin(), pick(store_msg(t), workers));
    std::vector<std::string> sent;
    for (int i = 0; i < 20; ++i)
      sent.push_back(t + "#" + std::to_string(i));
    CAF_CHECK_EQUAL(order, sent);
  }
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
