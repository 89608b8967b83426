#define CAF_SUITE cluster.membership

#include "tests/unit/cluster/fixture.hpp"

using namespace sockd;

namespace {

struct fixture : sockd::test::cluster_fixture {
  fixture() {
    start_all();
  }

  void report(const std::string& node, std::vector<std::string> names) {
    node_rows rows;
    for (auto& name : names)
      rows.push_back(node_row{name, name + ":7000"});
    caf::anon_send(nodes[node].membership, nodes_atom::value,
                   std::move(rows));
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(membership_tests, fixture)

CAF_TEST(connected nodes form the view) {
  CAF_CHECK_EQUAL(live_nodes("earth"),
                  (string_list{"earth", "jupiter", "mars"}));
  CAF_CHECK_EQUAL(live_nodes("mars"),
                  (string_list{"earth", "jupiter", "mars"}));
}

CAF_TEST(a connected node without heartbeat leaves the view) {
  // Within the grace period a fresh connection counts without a heartbeat.
  report("earth", {"earth", "jupiter"});
  CAF_CHECK_EQUAL(live_nodes("earth"),
                  (string_list{"earth", "jupiter", "mars"}));
  // After it, the table decides: mars' process hangs, its row went stale.
  pass(std::chrono::seconds(4));
  report("earth", {"earth", "jupiter"});
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  // Its heartbeat comes back.
  report("earth", {"earth", "jupiter", "mars"});
  CAF_CHECK_EQUAL(live_nodes("earth"),
                  (string_list{"earth", "jupiter", "mars"}));
}

CAF_TEST(without table reports the connections decide) {
  pass(std::chrono::seconds(4));
  report("earth", {"earth", "jupiter"});
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  // The database is down: no report for longer than table_stale.
  pass(std::chrono::seconds(6));
  CAF_CHECK_EQUAL(live_nodes("earth"),
                  (string_list{"earth", "jupiter", "mars"}));
}

CAF_TEST(a killed node leaves every view) {
  kill("jupiter");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "mars"}));
  CAF_CHECK_EQUAL(live_nodes("mars"), (string_list{"earth", "mars"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
