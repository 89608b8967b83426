#define CAF_SUITE config.options
#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "config/options.hpp"

using namespace sockd;

namespace {

using strings = std::vector<std::string>;

parse_result parse(const strings& args, const strings& env = {}) {
  std::vector<const char*> argv;
  for (auto& a : args)
    argv.push_back(a.c_str());
  std::vector<const char*> envp;
  for (auto& e : env)
    envp.push_back(e.c_str());
  envp.push_back(nullptr);
  return parse_options(static_cast<int>(argv.size()), argv.data(), envp.data());
}

// The error of a parse that must fail.
std::string error_of(const strings& args, const strings& env = {}) {
  auto res = parse(args, env);
  if (res.opts)
    return "(no error)";
  return res.error;
}

// The options of a parse that must succeed, by value: CAF_CHECK_EQUAL binds
// its arguments to references, so no member of a temporary parse_result.
options opts_of(const strings& args, const strings& env = {}) {
  auto res = parse(args, env);
  if (!res.opts)
    CAF_FAIL("unexpected error: " << res.error);
  return *res.opts;
}

// Every parse below needs a JWT key or dev; this one adds it.
strings dev(strings args) {
  args.insert(args.begin(), "--dev");
  return args;
}

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// A config file in /tmp, removed when the test ends.
struct temp_file {
  std::string path;

  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/sockd-options-test-XXXXXX";
    auto fd = mkstemp(name);
    if (fd < 0)
      CAF_FAIL("mkstemp failed");
    close(fd);
    path = name;
    std::ofstream out{path, std::ios::binary};
    out << content;
  }

  ~temp_file() {
    std::remove(path.c_str());
  }
};

} // namespace

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

CAF_TEST(missing jwt configuration is refused unless dev) {
  auto msg = std::string{"no JWT key: set jwt_secret or jwt_public_key "
                         "(or dev for local testing)"};
  CAF_CHECK_EQUAL(error_of({}), msg);
  CAF_CHECK_EQUAL(error_of({"--dev=false"}), msg);
  CAF_CHECK_EQUAL(error_of({"--jwt_secret="}), msg);
  CAF_CHECK_EQUAL(parse({"--jwt_secret=s3cret-0123456789abcdef0123456789abcdef"}).error, "");
  CAF_CHECK_EQUAL(parse({"--jwt_public_key=/etc/sockd/key.pem"}).error, "");
  CAF_CHECK_EQUAL(parse({}, {"SOCKD_DEV=yes"}).error, "");
  CAF_CHECK_EQUAL(opts_of({}, {"SOCKD_JWT_SECRET=abc0123456789abcdef0123456789abcdef"}).jwt_secret,
                  "abc0123456789abcdef0123456789abcdef");
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

CAF_TEST(environment variables) {
  auto res = parse({}, {"SOCKD_JWT_SECRET=a=b0123456789abcdef0123456789abcdef", "SOCKD_PING_TIMEOUT=120",
                        "SOCKD_BIN=/usr/bin/sockd",
                        "SOCKD_LISTEN=", "sockd_ping_interval=5", "SOCKD_DEV"});
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->jwt_secret, "a=b0123456789abcdef0123456789abcdef");
  CAF_CHECK_EQUAL(res.opts->ping_timeout, 120);
  // Empty means unset, names are upper case, other SOCKD_ names are ignored.
  CAF_CHECK_EQUAL(res.opts->listen, "127.0.0.1:8080");
  CAF_CHECK_EQUAL(res.opts->ping_interval, 30);
  CAF_CHECK_EQUAL(res.opts->dev, false);
}

CAF_TEST(config file format) {
  temp_file f{"  # indented comment\r\n"
              "jwt_secret = \"0123456789abcdef0123456789abcdef with # hash and \\\"quotes\\\" \\\\ \"  # c\r\n"
              "database_url=postgres://u:p@localhost/db?sslmode=disable\n"
              "   node_name   =   edge 1   \n"
              "participant_query = \"SELECT sub, name\n"
              "  FROM people\n"
              "  WHERE sub = ANY($1)\"\n"
              "static_dir = \"\"\n"
              "allowance.chat = SELECT true # not a comment here\n"};
  auto res = parse({"--config=" + f.path});
  CAF_REQUIRE_EQUAL(res.error, "");
  auto& o = *res.opts;
  CAF_CHECK_EQUAL(o.jwt_secret, "0123456789abcdef0123456789abcdef with # hash and \"quotes\" \\ ");
  CAF_CHECK_EQUAL(o.database_url,
                  "postgres://u:p@localhost/db?sslmode=disable");
  CAF_CHECK_EQUAL(o.node_name, "edge 1");
  CAF_CHECK_EQUAL(o.participant_query,
                  "SELECT sub, name\n  FROM people\n  WHERE sub = ANY($1)");
  CAF_CHECK_EQUAL(o.static_dir, "");
  CAF_CHECK_EQUAL(o.allowances.at("chat"), "SELECT true # not a comment here");
}

CAF_TEST(config file errors name file and line) {
  temp_file no_eq{"dev = true\n\nlisten 127.0.0.1:1\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + no_eq.path}),
                  no_eq.path + ":3: expected 'name = value'");
  temp_file unterminated{"dev = true\njwt_secret = \"abc\n\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + unterminated.path}),
                  unterminated.path + ":2: unterminated quote");
  temp_file trailing{"jwt_secret = \"abc\" def\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + trailing.path}),
                  trailing.path + ":1: text after the closing quote");
  temp_file unknown{"dev = on\nlisten_port = 80\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + unknown.path}),
                  "unknown option 'listen_port' (" + unknown.path + ":2)");
  temp_file nested{"config = /etc/other.conf\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + nested.path}),
                  nested.path
                    + ":1: config cannot be set inside a config "
                      "file");
  temp_file bad_value{"dev = on\n\nping_timeout = soon\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + bad_value.path}),
                  "ping_timeout: 'soon' is not an integer (" + bad_value.path
                    + ":3)");
  // A bad file value the command line overrides is never used.
  CAF_CHECK_EQUAL(
    parse({"--config=" + bad_value.path, "--ping_timeout=9"}).error, "");
}

CAF_TEST(missing config file is an error) {
  CAF_CHECK_EQUAL(error_of(dev({"--config=/nonexistent/sockd.conf"})),
                  "cannot read config file '/nonexistent/sockd.conf': "
                  "No such file or directory");
  CAF_CHECK_EQUAL(error_of(dev({}), {"SOCKD_CONFIG=/nonexistent/x.conf"}),
                  "cannot read config file '/nonexistent/x.conf': "
                  "No such file or directory");
  CAF_CHECK_EQUAL(error_of(dev({"--config="})),
                  "config: the file name is empty");
  CAF_CHECK_EQUAL(error_of(dev({"--config"})), "option --config needs a value");
}

CAF_TEST(config files up to 1 MiB are read and larger ones refused) {
  // Exactly the limit: comment lines, then one option.
  std::string line = "dev = true\n";
  std::string body(1024 * 1024 - line.size(), '#');
  body[body.size() - 1] = '\n';
  temp_file fits{body + line};
  CAF_CHECK(opts_of({"--config=" + fits.path}).dev);
  temp_file over{body + line + "\n"};
  CAF_CHECK_EQUAL(error_of({"--config=" + over.path}),
                  "config file '" + over.path + "' is larger than 1 MiB");
}

CAF_TEST(command line forms) {
  auto res = parse({"--listen", "[::1]:9000", "--ticket_ttl=5", "--dev",
                    "--ping_interval", "7"});
  CAF_REQUIRE_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.opts->listen, "[::1]:9000");
  CAF_CHECK_EQUAL(res.opts->ticket_ttl, 5);
  CAF_CHECK_EQUAL(res.opts->dev, true);
  CAF_CHECK_EQUAL(res.opts->ping_interval, 7);
  res = parse({"--jwt_secret=x0123456789abcdef0123456789abcdef", "--dev", "off"});
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->dev, false);
  res = parse({"--jwt_secret=x0123456789abcdef0123456789abcdef", "--dev=true", "--dev=no"});
  CAF_REQUIRE(res.opts);
  CAF_CHECK_EQUAL(res.opts->dev, false);
  CAF_CHECK_EQUAL(error_of(dev({"--listen"})), "option --listen needs a value");
  CAF_CHECK_EQUAL(error_of(dev({"--listen", "--ticket_ttl=3"})),
                  "option --listen needs a value");
  CAF_CHECK_EQUAL(error_of(dev({"listen=1"})),
                  "unexpected argument 'listen=1' (options are --name=value)");
  CAF_CHECK_EQUAL(error_of(dev({"-x"})),
                  "unexpected argument '-x' (options are --name=value)");
  CAF_CHECK_EQUAL(error_of(dev({"--"})),
                  "unexpected argument '--' (options are --name=value)");
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

CAF_TEST(short hs256 secrets are refused) {
  CAF_CHECK_EQUAL(error_of({"--jwt_secret=a"}),
                  "jwt_secret: 1 bytes is too short for HS256 (at least 32, "
                  "RFC 7518 section 3.2)");
  CAF_CHECK_EQUAL(error_of({"--jwt_secret=" + std::string(31, 'k')}),
                  "jwt_secret: 31 bytes is too short for HS256 (at least "
                  "32, RFC 7518 section 3.2)");
  CAF_CHECK_EQUAL(parse({"--jwt_secret=" + std::string(32, 'k')}).error, "");
}

CAF_TEST(dev off loopback needs dev_allow_remote) {
  auto msg = std::string{"dev: listen '0.0.0.0:8080' is not a loopback "
                         "address; dev hands out tokens to anyone, so it "
                         "needs dev_allow_remote as well"};
  CAF_CHECK_EQUAL(error_of({"--dev", "--listen=0.0.0.0:8080"}), msg);
  CAF_CHECK_EQUAL(parse({"--dev", "--listen=0.0.0.0:8080",
                         "--dev_allow_remote"})
                    .error,
                  "");
  CAF_CHECK_EQUAL(parse({"--dev", "--listen=127.0.0.2:8080"}).error, "");
  CAF_CHECK_EQUAL(parse({"--dev", "--listen=localhost:8080"}).error, "");
}

CAF_TEST(cluster tls files go together and plain basp stays on loopback) {
  CAF_CHECK_EQUAL(error_of(dev({"--cluster_listen=127.0.0.1:7000",
                                "--cluster_tls_cert=/c.pem"})),
                  "cluster_tls_cert, cluster_tls_key and cluster_tls_ca go "
                  "together: set all three or none");
  CAF_CHECK_EQUAL(error_of(dev({"--cluster_listen=10.0.0.1:7000"})),
                  "cluster_listen: '10.0.0.1:7000' is not a loopback "
                  "address; set cluster_tls_cert, cluster_tls_key and "
                  "cluster_tls_ca (or cluster_insecure)");
  auto o = opts_of(dev({"--cluster_listen=10.0.0.1:7000",
                        "--cluster_insecure"}));
  CAF_CHECK(!o.cluster_tls());
  o = opts_of(dev({"--cluster_listen=10.0.0.1:7000", "--cluster_tls_cert=c",
                   "--cluster_tls_key=k", "--cluster_tls_ca=a"}));
  CAF_CHECK(o.cluster_tls());
  CAF_CHECK(!opts_of(dev({"--cluster_listen=127.0.0.1:7000"})).cluster_tls());
}
