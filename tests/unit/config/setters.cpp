#define CAF_SUITE config.setters
// Each kind of option value through parse_options (config/setters.hpp):
// integers and their ranges, reals, booleans, addresses, lists, validated
// strings and the allowance.<type> queries, with the errors they name.
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

CAF_TEST(bad integers name the option and value) {
  struct bad {
    const char* arg;
    const char* error;
  };
  bad cases[] = {
    {"--ticket_ttl=abc", "ticket_ttl: 'abc' is not an integer"},
    {"--ticket_ttl=30s", "ticket_ttl: '30s' is not an integer"},
    {"--ticket_ttl=", "ticket_ttl: '' is not an integer"},
    {"--ticket_ttl=1.5", "ticket_ttl: '1.5' is not an integer"},
    {"--ticket_ttl=0", "ticket_ttl: '0' is out of range (1 to 86400)"},
    {"--ping_interval=0", "ping_interval: '0' is out of range (1 to 86400)"},
    {"--ping_timeout=-5", "ping_timeout: '-5' is out of range (1 to 86400)"},
    {"--jwt_leeway=-1", "jwt_leeway: '-1' is out of range (0 to 86400)"},
    {"--max_frame_bytes=15",
     "max_frame_bytes: '15' is out of range (16 to 16777216)"},
    {"--max_frame_bytes=16777217",
     "max_frame_bytes: '16777217' is out of range (16 to 16777216)"},
    {"--messages_burst=0", "messages_burst: '0' is out of range (at least 1)"},
    {"--messages_burst=2147483648",
     "messages_burst: '2147483648' is out of range (at least 1)"},
    {"--max_queued_bytes=1023",
     "max_queued_bytes: '1023' is out of range (at least 1024)"},
    {"--max_connections=0",
     "max_connections: '0' is out of range (at least 1)"},
    {"--max_connections=99999999999999999999",
     "max_connections: '99999999999999999999' is not an integer"},
    {"--max_connections_per_user=0",
     "max_connections_per_user: '0' is out of range (at least 1)"},
    {"--db_pool_size=0", "db_pool_size: '0' is out of range (1 to 64)"},
    {"--db_pool_size=65", "db_pool_size: '65' is out of range (1 to 64)"},
    {"--io_threads=-1", "io_threads: '-1' is out of range (0 to 256)"},
    {"--io_threads=257", "io_threads: '257' is out of range (0 to 256)"},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(error_of(dev({c.arg})),
                    std::string{c.error} + " (command line)");
  CAF_CHECK_EQUAL(error_of(dev({}), {"SOCKD_MAX_FRAME_BYTES=big"}),
                  "max_frame_bytes: 'big' is not an integer "
                  "(environment SOCKD_MAX_FRAME_BYTES)");
}

CAF_TEST(integer edges that pass) {
  auto res = parse(
    dev({"--max_frame_bytes=16", "--jwt_leeway=0", "--io_threads=256",
         "--db_pool_size=64", "--max_queued_bytes=1024", "--ticket_ttl= 45 "}));
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->max_frame_bytes, 16);
  CAF_CHECK_EQUAL(res.opts->jwt_leeway, 0);
  CAF_CHECK_EQUAL(res.opts->io_threads, 256);
  CAF_CHECK_EQUAL(res.opts->db_pool_size, 64);
  CAF_CHECK_EQUAL(res.opts->max_queued_bytes, 1024);
  CAF_CHECK_EQUAL(res.opts->ticket_ttl, 45);
  res = parse(dev({"--max_frame_bytes=16777216"}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->max_frame_bytes, 16777216);
}

CAF_TEST(messages_per_second is a positive number) {
  auto res = parse(dev({"--messages_per_second=2.5"}));
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->messages_per_second, 2.5);
  CAF_CHECK_EQUAL(error_of(dev({"--messages_per_second=0"})),
                  "messages_per_second: '0' is out of range (greater than 0) "
                  "(command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--messages_per_second=-1"})),
                  "messages_per_second: '-1' is out of range (greater than 0) "
                  "(command line)");
  for (auto v : {"fast", "inf", "nan", "1e999", "2x", ""})
    CAF_CHECK_EQUAL(error_of(dev({std::string{"--messages_per_second="} + v})),
                    std::string{"messages_per_second: '"} + v
                      + "' is not a number (command line)");
}

CAF_TEST(booleans) {
  for (auto v : {"true", "1", "yes", "on", "TRUE", "Yes", "On"})
    CAF_CHECK_EQUAL(opts_of({"--jwt_secret=x0123456789abcdef0123456789abcdef", std::string{"--dev="} + v}).dev,
                    true);
  for (auto v : {"false", "0", "no", "off", "False", "NO", "OFF"})
    CAF_CHECK_EQUAL(opts_of({"--jwt_secret=x0123456789abcdef0123456789abcdef", std::string{"--dev="} + v}).dev,
                    false);
  CAF_CHECK_EQUAL(error_of({"--dev=maybe"}),
                  "dev: 'maybe' is not a boolean (true/false, 1/0, yes/no, "
                  "on/off) (command line)");
  CAF_CHECK_EQUAL(error_of({}, {"SOCKD_DEV=2"}),
                  "dev: '2' is not a boolean (true/false, 1/0, yes/no, "
                  "on/off) (environment SOCKD_DEV)");
}

CAF_TEST(listen addresses) {
  // dev_allow_remote: dev alone stays on loopback (tested below).
  auto dev = [](strings args) {
    args.insert(args.begin(), {"--dev", "--dev_allow_remote"});
    return args;
  };
  auto res = parse(dev({"--listen=[::1]:8443"}));
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->listen_host(), "::1");
  CAF_CHECK_EQUAL(res.opts->listen_port(), 8443);
  res = parse(dev({"--listen=0.0.0.0:0"}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->listen_host(), "0.0.0.0");
  CAF_CHECK_EQUAL(res.opts->listen_port(), 0);
  res = parse(dev({"--listen=localhost:65535"}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->listen_host(), "localhost");
  CAF_CHECK_EQUAL(res.opts->listen_port(), 65535);
  res = parse(dev({"--listen=[::]:80"}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->listen_host(), "::");
  CAF_CHECK_EQUAL(res.opts->listen_port(), 80);
  struct bad {
    const char* arg;
    const char* error;
  };
  bad cases[] = {
    {"--listen=localhost", "listen: 'localhost' is not host:port"},
    {"--listen=", "listen: '' is not host:port"},
    {"--listen=:8080", "listen: ':8080' has no host"},
    {"--listen=host:", "listen: 'host:' has a bad port"},
    {"--listen=host:http", "listen: 'host:http' has a bad port"},
    {"--listen=host:-1", "listen: 'host:-1' has a bad port"},
    {"--listen=host:65536",
     "listen: 'host:65536' has a port out of range (0 to 65535)"},
    {"--listen=::1:8080", "listen: '::1:8080' needs brackets around the IPv6 "
                          "host, e.g. [::1]:8080"},
    {"--listen=[::1:8080", "listen: '[::1:8080' is not host:port"},
    {"--listen=[]:8080", "listen: '[]:8080' is not host:port"},
    {"--cluster_listen=nowhere", "cluster_listen: 'nowhere' is not host:port"},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(error_of(dev({c.arg})),
                    std::string{c.error} + " (command line)");
  res = parse(dev({"--cluster_listen=[::1]:0"}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->cluster_listen, "[::1]:0");
  res = parse(dev({"--cluster_listen="}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->cluster_listen, "");
}

CAF_TEST(lists) {
  auto res = parse(dev({"--allowed_origins= http://a.test , ,https://b.test,,",
                        "--cluster_seeds=10.0.0.1:4000, [::1]:4001"}));
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->allowed_origins,
                  (strings{"http://a.test", "https://b.test"}));
  CAF_CHECK_EQUAL(res.opts->cluster_seeds,
                  (strings{"10.0.0.1:4000", "[::1]:4001"}));
  res = parse(dev({"--allowed_origins= , "}));
  CAF_REQUIRE(res.opts);
  CAF_CHECK(res.opts->allowed_origins.empty());
  CAF_CHECK_EQUAL(error_of(dev({"--cluster_seeds=a:1,b"})),
                  "cluster_seeds: 'b' is not host:port (command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--cluster_seeds=a:0"})),
                  "cluster_seeds: 'a:0' has a port out of range (1 to 65535) "
                  "(command line)");
}

CAF_TEST(strings that are validated) {
  CAF_CHECK_EQUAL(error_of(dev({"--schema=bad schema"})),
                  "schema: 'bad schema' is not a plain SQL identifier "
                  "(letters, digits and _, not starting with a digit, at "
                  "most 63) (command line)");
  for (std::string bad : {"1abc", "x\";drop", "", "a-b", "a.b", "ab cd"})
    CAF_CHECK_EQUAL(error_of(dev({"--schema=" + bad})),
                    "schema: '" + bad
                      + "' is not a plain SQL identifier (letters, digits "
                        "and _, not starting with a digit, at most 63) "
                        "(command line)");
  CAF_CHECK_EQUAL(opts_of(dev({"--schema=My_Schema2"})).schema, "My_Schema2");
  auto longest = std::string(63, 's');
  CAF_CHECK_EQUAL(opts_of(dev({"--schema=" + longest})).schema, longest);
  CAF_CHECK_EQUAL(error_of(dev({"--schema=" + longest + "s"})),
                  "schema: '" + longest
                    + "s' is not a plain SQL identifier (letters, digits "
                      "and _, not starting with a digit, at most 63) "
                      "(command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--data_dir="})),
                  "data_dir: must not be empty (command line)");
  CAF_CHECK_EQUAL(opts_of(dev({"--node_name=n1"})).node_name, "n1");
  CAF_CHECK_EQUAL(opts_of(dev({"--node_name="})).node_name, host_name());
  // Long values are cut in messages.
  auto long_value = std::string(100, '7');
  CAF_CHECK_EQUAL(error_of(dev({"--ticket_ttl=" + long_value})),
                  "ticket_ttl: '" + std::string(64, '7')
                    + "...' is not an integer (command line)");
}

CAF_TEST(allowances per topic type) {
  temp_file f{"dev = true\n"
              "allowance.exchange/0 = SELECT $1 = 'file'\n"
              "allowance.exchange/1 = SELECT false\n"
              "allowance.* = SELECT true\n"};
  auto res
    = parse({"--config=" + f.path, "--allowance.exchange/0=SELECT $1 = 'cli'",
             "--allowance.chat", "SELECT $3 LIKE 'chat:%'"});
  CAF_REQUIRE_EQUAL(res.error, "");
  auto& a = res.opts->allowances;
  CAF_CHECK_EQUAL(a.size(), 4u);
  CAF_CHECK_EQUAL(a.at("exchange/0"), "SELECT $1 = 'cli'");
  CAF_CHECK_EQUAL(a.at("exchange/1"), "SELECT false");
  CAF_CHECK_EQUAL(a.at("*"), "SELECT true");
  CAF_CHECK_EQUAL(a.at("chat"), "SELECT $3 LIKE 'chat:%'");
  CAF_CHECK_EQUAL(error_of(dev({"--allowance.=SELECT true"})),
                  "allowance.: the topic type is empty (command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--allowance.a:b=SELECT true"})),
                  "allowance.a:b: 'a:b' is not a topic type (no ':' or "
                  "spaces) (command line)");
  // An empty query denies the type, overriding a shipped default.
  auto o = opts_of(dev({"--allowance.exchange/2= "}));
  CAF_CHECK_EQUAL(o.allowances.size(), 1u);
  CAF_CHECK_EQUAL(o.allowances.at("exchange/2"), "");
  CAF_CHECK_EQUAL(error_of(dev({"--allowance.chat"})),
                  "option --allowance.chat needs a value");
}

CAF_TEST(log format and level are checked names) {
  auto defaults = opts_of(dev({}));
  CAF_CHECK_EQUAL(defaults.log_format, "text");
  CAF_CHECK_EQUAL(defaults.log_level, "info");
  auto set = opts_of(dev({"--log_format=json", "--log_level= debug "}));
  CAF_CHECK_EQUAL(set.log_format, "json");
  CAF_CHECK_EQUAL(set.log_level, "debug");
  CAF_CHECK_EQUAL(error_of(dev({"--log_format=logfmt"})),
                  "log_format: 'logfmt' is not text or json (command line)");
  CAF_CHECK_EQUAL(error_of(dev({"--log_level=warning"})),
                  "log_level: 'warning' is not debug, info, warn or error "
                  "(command line)");
}
