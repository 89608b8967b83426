#define CAF_SUITE cluster.tls

#include "cluster/tls.hpp"

#include <caf/test/unit_test.hpp>

#include "tests/unit/cluster/certs.hpp"

using namespace sockd;
using sockd::test::test_ca;

namespace {

struct fixture {
  test_ca ca{"cluster CA"};
  test_ca other{"other CA"};

  cluster::tls_identity_ptr load(const test::pem_pair& pair,
                                 const std::string& ca_pem,
                                 const std::string& name,
                                 std::string& error) {
    return cluster::tls_identity::from_pem(pair.cert, pair.key, ca_pem, name,
                                           error);
  }

  bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(tls_tests, fixture)

CAF_TEST(a certificate of the CA for the node name loads) {
  std::string error;
  auto id = load(ca.issue("earth"), ca.pem(), "earth", error);
  CAF_REQUIRE(id != nullptr);
  CAF_CHECK(error.empty());
  CAF_CHECK(contains(id->certificate(), "BEGIN CERTIFICATE"));
}

CAF_TEST(every bad file is refused with the option named) {
  auto earth = ca.issue("earth");
  auto mars = ca.issue("mars");
  std::string error;
  CAF_CHECK(load({"garbage", earth.key}, ca.pem(), "earth", error) == nullptr);
  CAF_CHECK_EQUAL(error, "cluster_tls_cert: no PEM certificate in it");
  CAF_CHECK(load(earth, "garbage", "earth", error) == nullptr);
  CAF_CHECK_EQUAL(error, "cluster_tls_ca: no PEM certificate in it");
  CAF_CHECK(load({earth.cert, earth.cert}, ca.pem(), "earth", error)
            == nullptr);
  CAF_CHECK(contains(error, "cluster_tls_key: not a PEM private key"));
  CAF_CHECK(load({earth.cert, mars.key}, ca.pem(), "earth", error)
            == nullptr);
  CAF_CHECK_EQUAL(error, "cluster_tls_key: does not match the certificate "
                         "in cluster_tls_cert");
  CAF_CHECK(load(other.issue("earth"), ca.pem(), "earth", error) == nullptr);
  CAF_CHECK(contains(error, "cluster_tls_cert: not signed by the cluster CA"));
  CAF_CHECK(load(earth, ca.pem(), "mars", error) == nullptr);
  CAF_CHECK(contains(error, "cluster_tls_cert: the certificate is for "
                            "'earth', not for 'mars'"));
  CAF_CHECK(load(ca.issue("earth", -7200, -3600), ca.pem(), "earth", error)
            == nullptr);
  CAF_CHECK(contains(error, "cluster_tls_cert: certificate has expired"));
}

CAF_TEST(an encrypted key is refused without asking for a passphrase) {
  auto earth = ca.issue("earth");
  auto bio = BIO_new_mem_buf(earth.key.data(), -1);
  auto key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  auto out = BIO_new(BIO_s_mem());
  char pass[] = "secret";
  PEM_write_bio_PrivateKey(out, key, EVP_aes_256_cbc(), nullptr, 0, nullptr,
                           pass);
  EVP_PKEY_free(key);
  auto encrypted = test::certs_detail::bio_text(out);
  std::string error;
  CAF_CHECK(load({earth.cert, encrypted}, ca.pem(), "earth", error)
            == nullptr);
  CAF_CHECK(contains(error, "or an encrypted one"));
}

CAF_TEST(a combined certificate and key file never sends the key) {
  auto earth = ca.issue("earth");
  std::string error;
  auto id = load({earth.key + earth.cert, earth.key}, ca.pem(), "earth",
                 error);
  CAF_REQUIRE(id != nullptr);
  CAF_CHECK(!contains(id->certificate(), "PRIVATE KEY"));
}

CAF_TEST(a signature proves the name of its certificate) {
  std::string error;
  auto earth = load(ca.issue("earth"), ca.pem(), "earth", error);
  auto mars = load(ca.issue("mars"), ca.pem(), "mars", error);
  CAF_REQUIRE(earth && mars);
  auto sig = mars->sign("statement");
  CAF_REQUIRE(!sig.empty());
  CAF_CHECK_EQUAL(earth->verify(mars->certificate(), "mars", "statement", sig),
                  "");
  CAF_CHECK_EQUAL(earth->verify(mars->certificate(), "mars", "other", sig),
                  "bad signature");
  CAF_CHECK_EQUAL(earth->verify(mars->certificate(), "jupiter", "statement",
                                sig),
                  "the certificate is for 'mars', not for 'jupiter'");
  // mars's certificate with another key's signature.
  CAF_CHECK_EQUAL(earth->verify(mars->certificate(), "mars", "statement",
                                earth->sign("statement")),
                  "bad signature");
  // A node of another CA, however well it signs.
  auto alien = load(other.issue("mars"), other.pem(), "mars", error);
  CAF_REQUIRE(alien);
  auto why = earth->verify(alien->certificate(), "mars", "statement",
                           alien->sign("statement"));
  CAF_CHECK(contains(why, "not signed by the cluster CA"));
  CAF_CHECK_EQUAL(earth->verify("", "mars", "statement", sig),
                  "no certificate");
  CAF_CHECK_EQUAL(earth->verify(std::string(70000, 'x'), "mars", "statement",
                                sig),
                  "certificate too large");
}

CAF_TEST_FIXTURE_SCOPE_END()
