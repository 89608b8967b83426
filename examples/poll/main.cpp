// sockd with one more topic type: the whole of registering it.
#include "app/run.hpp"
#include "examples/poll/poll_topic.hpp"

int main(int argc, char** argv) {
  return sockd::run_sockd(argc, argv, [](sockd::topic_types& types) {
    // Anyone may join a poll; a deployment would name its own rule here.
    types.add("poll/*", poll_example::spawn_poll_topic, {"SELECT true", {}});
  });
}
