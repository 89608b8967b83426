#include "db/migrations.hpp"

#include <pqxx/transaction>

#include "db/queries.hpp"

namespace sockd::db {

namespace {

// Advisory lock key shared by every sockd node: the bytes of "sockd".
constexpr long long lock_key = 0x736f636b64;

bool has_schema(pqxx::work& tx, const std::string& schema) {
  return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_namespace"
                         " WHERE nspname = $1",
                         schema)
            .empty();
}

bool has_relation(pqxx::work& tx, const std::string& schema,
                  const std::string& name) {
  return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_class c"
                         " JOIN pg_catalog.pg_namespace n"
                         " ON n.oid = c.relnamespace"
                         " WHERE n.nspname = $1 AND c.relname = $2",
                         schema, name)
            .empty();
}

bool has_column(pqxx::work& tx, const std::string& schema,
                const std::string& table, const std::string& column) {
  return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_attribute a"
                         " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                         " JOIN pg_catalog.pg_namespace n"
                         " ON n.oid = c.relnamespace"
                         " WHERE n.nspname = $1 AND c.relname = $2"
                         " AND a.attname = $3 AND NOT a.attisdropped",
                         schema, table, column)
            .empty();
}

// Runs `ddl` unless the catalog already has `relation`; the IF NOT EXISTS
// in the statements is a second guard, the check keeps the log free of
// "already exists" notices and needs no CREATE privilege when all is there.
void ensure_relation(pqxx::work& tx, const std::string& schema,
                     const std::string& relation, const std::string& ddl) {
  if (!has_relation(tx, schema, relation))
    tx.exec0(ddl);
}

void ensure_column(pqxx::work& tx, const std::string& schema,
                   const std::string& table, const std::string& column,
                   const std::string& ddl) {
  if (!has_column(tx, schema, table, column))
    tx.exec0(ddl);
}

bool has_trigger(pqxx::work& tx, const std::string& schema,
                 const std::string& table, const std::string& trigger) {
  return !tx.exec_params("SELECT 1 FROM pg_catalog.pg_trigger t"
                         " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
                         " JOIN pg_catalog.pg_namespace n"
                         " ON n.oid = c.relnamespace"
                         " WHERE n.nspname = $1 AND c.relname = $2"
                         " AND t.tgname = $3",
                         schema, table, trigger)
            .empty();
}

// A change of topic_allowances NOTIFYs every node's allowance listener
// (db/access_listener.hpp) on the channel `sockd_access`, committed with the
// change: a row's user and pattern (the old row for UPDATE and DELETE:
// that is what lost access), or "all" for TRUNCATE and for a row too long
// for NOTIFY's 8000-byte payload (so the change never fails for it).
std::string notify_function(const std::string& s) {
  return "CREATE OR REPLACE FUNCTION " + s
         + ".sockd_allowances_notify() RETURNS trigger"
           " LANGUAGE plpgsql AS $sockd$\n"
           "DECLARE r record; p text;\n"
           "BEGIN\n"
           "  IF TG_LEVEL = 'ROW' THEN\n"
           "    IF TG_OP = 'INSERT' THEN r := NEW; ELSE r := OLD; END IF;\n"
           "    p := json_build_object('schema', TG_TABLE_SCHEMA, 'op', TG_OP,"
           " 'user', r.user_sub, 'pattern', r.topic_pattern)::text;\n"
           "  END IF;\n"
           "  IF p IS NULL OR octet_length(p) > 7900 THEN\n"
           "    p := json_build_object('schema', TG_TABLE_SCHEMA,"
           " 'all', true)::text;\n"
           "  END IF;\n"
           "  PERFORM pg_notify('sockd_access', p);\n"
           "  RETURN NULL;\n"
           "END\n"
           "$sockd$";
}

} // namespace

void migrate(pqxx::connection& conn, const std::string& schema) {
  auto s = quote_ident(schema);
  pqxx::work tx{conn, "sockd_migrate"};
  // Adding seq to a large existing table rewrites it, and other nodes wait
  // for the lock meanwhile: more than the usual statement timeout.
  tx.exec0("SET LOCAL statement_timeout = '5min'");
  tx.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", lock_key);
  if (!has_schema(tx, schema))
    tx.exec0("CREATE SCHEMA IF NOT EXISTS " + s);
  ensure_relation(tx, schema, "sock_connections",
                  "CREATE TABLE IF NOT EXISTS " + s
                    + ".sock_connections ("
                      "id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
                      "connection_id text NOT NULL, "
                      "created_sub text NOT NULL, "
                      "node_name text, "
                      "created_on timestamp NOT NULL"
                      " DEFAULT (now() AT TIME ZONE 'utc'))");
  // Awayto's table has no node_name.
  ensure_column(tx, schema, "sock_connections", "node_name",
                "ALTER TABLE " + s
                  + ".sock_connections"
                    " ADD COLUMN IF NOT EXISTS node_name text");
  ensure_relation(tx, schema, "sock_connections_connection_id_idx",
                  "CREATE INDEX IF NOT EXISTS"
                  " sock_connections_connection_id_idx ON "
                    + s + ".sock_connections (connection_id)");
  ensure_relation(tx, schema, "topic_messages",
                  "CREATE TABLE IF NOT EXISTS " + s
                    + ".topic_messages ("
                      "id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
                      "seq bigserial, "
                      "connection_id text NOT NULL, "
                      "topic text NOT NULL, "
                      "message jsonb NOT NULL, "
                      "created_sub text NOT NULL, "
                      "created_on timestamp NOT NULL"
                      " DEFAULT (now() AT TIME ZONE 'utc'))");
  // Awayto's table has no seq: existing rows get numbers in storage order.
  ensure_column(tx, schema, "topic_messages", "seq",
                "ALTER TABLE " + s
                  + ".topic_messages ADD COLUMN IF NOT EXISTS seq bigserial");
  ensure_relation(tx, schema, "topic_messages_topic_seq_idx",
                  "CREATE INDEX IF NOT EXISTS"
                  " topic_messages_topic_seq_idx ON "
                    + s + ".topic_messages (topic, seq)");
  // Stores are idempotent per (connection, topic, client id): a retry of a
  // stored relay finds its row instead of adding one (docs/storage.md).
  // Adding a nullable column rewrites nothing; existing rows have no id.
  ensure_column(tx, schema, "topic_messages", "client_id",
                "ALTER TABLE " + s
                  + ".topic_messages ADD COLUMN IF NOT EXISTS client_id text");
  ensure_relation(tx, schema, "topic_messages_client_id_idx",
                  "CREATE UNIQUE INDEX IF NOT EXISTS"
                  " topic_messages_client_id_idx ON "
                    + s
                    + ".topic_messages (connection_id, topic, client_id)"
                      " WHERE client_id IS NOT NULL");
  // The position each row was broadcast with (docs/protocol.md, "Recovery
  // after reconnect"), so that a new owner of the topic can replay stored
  // rows of the previous owner's epoch. Nullable: Awayto's rows and rows
  // stored before positions existed have none. No rewrite, no default.
  ensure_column(tx, schema, "topic_messages", "pos_epoch",
                "ALTER TABLE " + s
                  + ".topic_messages ADD COLUMN IF NOT EXISTS pos_epoch text");
  ensure_column(tx, schema, "topic_messages", "pos_offset",
                "ALTER TABLE " + s
                  + ".topic_messages"
                    " ADD COLUMN IF NOT EXISTS pos_offset bigint");
  ensure_relation(tx, schema, "topic_messages_position_idx",
                  "CREATE INDEX IF NOT EXISTS"
                  " topic_messages_position_idx ON "
                    + s
                    + ".topic_messages (topic, pos_epoch, pos_offset)"
                      " WHERE pos_epoch IS NOT NULL");
  // closed() asks whether any message references a connection.
  ensure_relation(tx, schema, "topic_messages_connection_id_idx",
                  "CREATE INDEX IF NOT EXISTS"
                  " topic_messages_connection_id_idx ON "
                    + s + ".topic_messages (connection_id)");
  ensure_relation(tx, schema, "topic_allowances",
                  "CREATE TABLE IF NOT EXISTS " + s
                    + ".topic_allowances ("
                      "user_sub text NOT NULL, "
                      "topic_pattern text NOT NULL, "
                      "PRIMARY KEY (user_sub, topic_pattern))");
  if (!has_trigger(tx, schema, "topic_allowances", "sockd_allowances_notify")
      || !has_trigger(tx, schema, "topic_allowances",
                      "sockd_allowances_truncate")) {
    tx.exec0(notify_function(s));
    tx.exec0("DROP TRIGGER IF EXISTS sockd_allowances_notify ON " + s
             + ".topic_allowances");
    tx.exec0("DROP TRIGGER IF EXISTS sockd_allowances_truncate ON " + s
             + ".topic_allowances");
    tx.exec0("CREATE TRIGGER sockd_allowances_notify"
             " AFTER INSERT OR UPDATE OR DELETE ON "
             + s
             + ".topic_allowances FOR EACH ROW"
               " EXECUTE PROCEDURE "
             + s + ".sockd_allowances_notify()");
    tx.exec0("CREATE TRIGGER sockd_allowances_truncate AFTER TRUNCATE ON " + s
             + ".topic_allowances FOR EACH STATEMENT"
               " EXECUTE PROCEDURE "
             + s + ".sockd_allowances_notify()");
  }
  tx.commit();
}

} // namespace sockd::db
