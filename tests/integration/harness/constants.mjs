// The values the tests and the harness agree on: the JWT secret and schema
// sockd is started with, and the shapes of ids, tickets and timestamps.
export const SECRET = 'integration-test-secret-0123456789abcdef';
export const SCHEMA = 'itest';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const UUID_RE = new RegExp(`^${UUID}$`, 'i');
export const TICKET_RE = new RegExp(`^${UUID}:${UUID}$`, 'i');
export const ISO_MS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
