// flow.test.mjs over HTTPS/WSS: the same tests, the harness in its TLS mode
// (a throwaway CA made with openssl, clients trusting only it).
process.env.SOCKD_TEST_TLS = '1';
await import('./flow.test.mjs');
