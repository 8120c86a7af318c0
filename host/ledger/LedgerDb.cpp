#include "ledger/LedgerDb.hpp"

#include <sqlite3.h>

namespace aicore::host {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS requests ("
    " time_ms INTEGER NOT NULL, request_id TEXT NOT NULL, key TEXT NOT NULL, dialect TEXT NOT NULL,"
    " client_model TEXT NOT NULL, model TEXT NOT NULL, plugin TEXT NOT NULL, subaccount TEXT NOT NULL,"
    " deployment TEXT NOT NULL, status INTEGER NOT NULL, attempts INTEGER NOT NULL, stream INTEGER NOT NULL,"
    " input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,"
    " reasoning_tokens INTEGER, latency_ms REAL NOT NULL, ttfb_ms REAL);"
    "CREATE INDEX IF NOT EXISTS requests_time ON requests(time_ms);";

constexpr const char* kInsert =
    "INSERT INTO requests (time_ms, request_id, key, dialect, client_model, model, plugin, subaccount, deployment,"
    " status, attempts, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
    " reasoning_tokens, latency_ms, ttfb_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

std::string why(sqlite3* db, const std::string& path, const char* doing) {
  return "usage ledger " + path + ": " + doing + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

void bind_text(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bind_count(sqlite3_stmt* st, int i, int64_t v) {
  if (v < 0)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int64(st, i, v);
}

}  // namespace

LedgerDb::LedgerDb(const std::string& path, Mode mode) : path_(path) {
  const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string msg = why(db_, path, "cannot open");
    sqlite3_close(db_);
    throw LedgerError(msg);
  }
  sqlite3_busy_timeout(db_, 5000);  // a reader and the writer wait for each other's short locks
  try {
    if (mode == Mode::ReadWrite) {
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=NORMAL");
      Statement v(*this, "PRAGMA user_version");
      v.step();
      if (const int64_t have = v.integer(0); have > kSchemaVersion)
        throw LedgerError("usage ledger " + path + ": written by a newer aicore-proxy (schema " + std::to_string(have) +
                          ")");
      exec(kSchema);
      exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
      if (sqlite3_prepare_v2(db_, kInsert, -1, &insert_, nullptr) != SQLITE_OK)
        throw LedgerError(why(db_, path, "preparing the insert"));
    } else {
      Statement probe(*this, "SELECT 1 FROM requests LIMIT 1");  // not a ledger: say so now
    }
  } catch (...) {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
    throw;
  }
}

LedgerDb::~LedgerDb() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void LedgerDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = "usage ledger " + path_ + ": " + (err ? err : "error");
    sqlite3_free(err);
    throw LedgerError(msg);
  }
}

void LedgerDb::insert(const std::vector<UsageRow>& rows) {
  exec("BEGIN IMMEDIATE");
  for (const auto& r : rows) {
    sqlite3_reset(insert_);
    sqlite3_bind_int64(insert_, 1, r.time_ms);
    bind_text(insert_, 2, r.request_id);
    bind_text(insert_, 3, r.key);
    bind_text(insert_, 4, r.dialect);
    bind_text(insert_, 5, r.client_model);
    bind_text(insert_, 6, r.model);
    bind_text(insert_, 7, r.plugin);
    bind_text(insert_, 8, r.subaccount);
    bind_text(insert_, 9, r.deployment);
    sqlite3_bind_int(insert_, 10, r.status);
    sqlite3_bind_int(insert_, 11, r.attempts);
    sqlite3_bind_int(insert_, 12, r.stream ? 1 : 0);
    bind_count(insert_, 13, r.usage.input_tokens);
    bind_count(insert_, 14, r.usage.output_tokens);
    bind_count(insert_, 15, r.usage.cache_read_tokens);
    bind_count(insert_, 16, r.usage.cache_write_tokens);
    bind_count(insert_, 17, r.usage.reasoning_tokens);
    sqlite3_bind_double(insert_, 18, r.latency_ms);
    if (r.ttfb_ms < 0)
      sqlite3_bind_null(insert_, 19);
    else
      sqlite3_bind_double(insert_, 19, r.ttfb_ms);
    if (sqlite3_step(insert_) != SQLITE_DONE) {
      const std::string msg = why(db_, path_, "writing a batch");
      sqlite3_reset(insert_);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw LedgerError(msg);
    }
  }
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);  // the texts bound were the batch's: nothing may point at them
  exec("COMMIT");
}

int64_t LedgerDb::prune(int64_t before_ms) {
  Statement del(*this, "DELETE FROM requests WHERE time_ms < ?");
  del.bind(1, before_ms);
  del.step();
  return sqlite3_changes(db_);
}

Statement::Statement(const LedgerDb& db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
    throw LedgerError(why(db.handle(), db.path(), "reading"));
}

Statement::~Statement() { sqlite3_finalize(st_); }

void Statement::bind(int index, int64_t v) { sqlite3_bind_int64(st_, index, v); }

void Statement::bind(int index, std::string_view v) {
  sqlite3_bind_text(st_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

bool Statement::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw LedgerError(why(db_.handle(), db_.path(), "reading"));
}

int64_t Statement::integer(int col) const { return sqlite3_column_int64(st_, col); }
double Statement::real(int col) const { return sqlite3_column_double(st_, col); }
bool Statement::null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}

}  // namespace aicore::host
