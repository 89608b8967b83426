#define CAF_SUITE config.options
// parse_options as a whole: the defaults, which source wins, unknown names,
// --help and the usage text. The sources, setters and cross-option checks
// have their own suites (config.sources, config.setters, config.checks).
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

CAF_TEST(defaults) {
  auto res = parse({"--dev"});
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_REQUIRE(res.opts);
  auto& o = *res.opts;
  CAF_CHECK_EQUAL(o.listen, "127.0.0.1:8080");
  CAF_CHECK_EQUAL(o.listen_host(), "127.0.0.1");
  CAF_CHECK_EQUAL(o.listen_port(), 8080);
  CAF_CHECK_EQUAL(o.database_url, "");
  CAF_CHECK_EQUAL(o.data_dir, "./var");
  CAF_CHECK_EQUAL(o.schema, "dbtable_schema");
  CAF_CHECK_EQUAL(o.db_pool_size, 4);
  CAF_CHECK_EQUAL(o.jwt_secret, "");
  CAF_CHECK_EQUAL(o.jwt_public_key, "");
  CAF_CHECK_EQUAL(o.jwt_issuer, "");
  CAF_CHECK_EQUAL(o.jwt_audience, "");
  CAF_CHECK_EQUAL(o.dev, true);
  CAF_CHECK_EQUAL(o.ticket_ttl, 30);
  CAF_CHECK_EQUAL(o.ping_interval, 30);
  CAF_CHECK_EQUAL(o.ping_timeout, 90);
  CAF_CHECK_EQUAL(o.max_frame_bytes, 65536);
  CAF_CHECK_EQUAL(o.messages_per_second, 20.0);
  CAF_CHECK_EQUAL(o.messages_burst, 10);
  CAF_CHECK_EQUAL(o.max_queued_bytes, 1048576);
  CAF_CHECK_EQUAL(o.jwt_leeway, 30);
  CAF_CHECK_EQUAL(o.max_connections, 100000);
  CAF_CHECK_EQUAL(o.max_connections_per_user, 10);
  CAF_CHECK(o.allowed_origins.empty());
  CAF_CHECK_EQUAL(o.node_name, host_name());
  CAF_CHECK_EQUAL(o.cluster_listen, "");
  CAF_CHECK(o.cluster_seeds.empty());
  CAF_CHECK_EQUAL(o.io_threads, 0);
  CAF_CHECK_EQUAL(o.static_dir, "");
  CAF_CHECK_EQUAL(o.participant_query, "");
  CAF_CHECK(o.allowances.empty());
}

CAF_TEST(file then environment then command line) {
  temp_file f{"# sockd test configuration\n"
              "\n"
              "listen = 127.0.0.1:9001\n"
              "ticket_ttl = 11\n"
              "schema = from_file\n"
              "jwt_secret = file-secret-0123456789abcdef0123456789abcdef\n"};
  auto res
    = parse({"--config=" + f.path, "--schema=from_cli"},
            {"SOCKD_TICKET_TTL=22", "SOCKD_SCHEMA=from_env", "PATH=/usr/bin"});
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->listen, "127.0.0.1:9001");
  CAF_CHECK_EQUAL(res.opts->ticket_ttl, 22);
  CAF_CHECK_EQUAL(res.opts->schema, "from_cli");
  CAF_CHECK_EQUAL(res.opts->jwt_secret, "file-secret-0123456789abcdef0123456789abcdef");
  // The file named by SOCKD_CONFIG, with `--config FILE` winning over it.
  temp_file other{"ticket_ttl = 33\njwt_secret = x0123456789abcdef0123456789abcdef\n"};
  res = parse({}, {"SOCKD_CONFIG=" + f.path});
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->ticket_ttl, 11);
  res = parse({"--config", other.path}, {"SOCKD_CONFIG=" + f.path});
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->ticket_ttl, 33);
}

CAF_TEST(unknown option) {
  CAF_CHECK_EQUAL(error_of(dev({"--bogus=1"})),
                  "unknown option 'bogus' (command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--max-frame-bytes=100"})),
                  "unknown option 'max-frame-bytes' (command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--allowance=SELECT true"})),
                  "unknown option 'allowance' (command line)");
}

CAF_TEST(help) {
  auto res = parse({"--help"});
  CAF_CHECK(res.help);
  CAF_CHECK(!res.opts);
  CAF_CHECK_EQUAL(res.error, "");
  res = parse({"--bogus", "-h"});
  CAF_CHECK(res.help);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK(!parse({"--dev"}).help);
}

CAF_TEST(usage lists every option) {
  auto text = usage();
  for (auto name : {"listen",
                    "database_url",
                    "data_dir",
                    "schema",
                    "db_pool_size",
                    "jwt_secret",
                    "jwt_public_key",
                    "jwt_issuer",
                    "jwt_audience",
                    "dev",
                    "ticket_ttl",
                    "ping_interval",
                    "ping_timeout",
                    "max_frame_bytes",
                    "messages_per_second",
                    "messages_burst",
                    "max_queued_bytes",
                    "jwt_leeway",
                    "max_connections",
                    "max_connections_per_user",
                    "allowed_origins",
                    "node_name",
                    "cluster_listen",
                    "cluster_seeds",
                    "io_threads",
                    "static_dir",
                    "participant_query",
                    "allowance.<type>",
                    "config"}) {
    auto key = std::string{"--"} + name + "=";
    CAF_CHECK_NOT_EQUAL(text.find(key), std::string::npos);
    // Each option parses by that name (allowance and config aside).
    if (key != "--allowance.<type>=" && key != "--config=")
      CAF_CHECK_EQUAL(error_of(dev({key})).find("unknown option"),
                      std::string::npos);
  }
  CAF_CHECK_NOT_EQUAL(text.find("default 127.0.0.1:8080"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(text.find("default 1048576"), std::string::npos);
}

CAF_TEST(limits have their documented defaults) {
  auto o = opts_of({"--dev"});
  CAF_CHECK_EQUAL(o.max_topics_per_connection, 100);
  CAF_CHECK_EQUAL(o.max_topic_bytes, 256);
  CAF_CHECK_EQUAL(o.max_json_depth, 64);
  CAF_CHECK_EQUAL(o.max_tickets_per_user, 100);
  CAF_CHECK_EQUAL(o.max_pending_connections, 1024);
  CAF_CHECK_EQUAL(o.max_pending_per_address, 64);
  CAF_CHECK_EQUAL(o.handshake_timeout, 10);
  CAF_CHECK_EQUAL(o.jwt_require_exp, false);
  CAF_CHECK_EQUAL(o.max_inbound_frames, 16);
  CAF_CHECK_EQUAL(o.max_inbound_bytes, 262144);
  CAF_CHECK_EQUAL(o.max_history_rows, 10000);
  CAF_CHECK_EQUAL(o.cluster_insecure, false);
  CAF_CHECK_EQUAL(o.dev_allow_remote, false);
  CAF_CHECK_EQUAL(error_of(dev({"--max_json_depth=0"})),
                  "max_json_depth: '0' is out of range (1 to 1024) "
                  "(command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--max_topic_bytes=2"})),
                  "max_topic_bytes: '2' is out of range (3 to 65536) "
                  "(command line)");
}
