#define CAF_SUITE config.sources
// The three sources of option text (config/sources.hpp): the environment,
// the config file's format, errors and size limit, the command line's forms.
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

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
