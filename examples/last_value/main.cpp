// sockd with a topic type written from scratch: the whole of registering it.
#include "app/run.hpp"
#include "examples/last_value/last_value_topic.hpp"

int main(int argc, char** argv) {
  return sockd::run_sockd(argc, argv, [](sockd::topic_types& types) {
    // No allowance of its own: the configured `allowance.last/*`, else
    // sockd's default (topic_allowances), is what the topic asks ctx.db.
    types.add("last/*", last_value_example::spawn_last_value_topic);
  });
}
