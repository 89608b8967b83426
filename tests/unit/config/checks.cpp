#define CAF_SUITE config.checks
// The checks that span options (config/checks.hpp): a JWT key or dev, the
// HS256 secret's length, dev on loopback, the cluster's TLS files.
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

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
