// The usage ledger's SQLite file: its schema, one batch written as one transaction, retention,
// and prepared statements for the readers (usage reports, quota counters at start-up).
//
// WAL journal with synchronous=NORMAL: a committed batch survives the process being killed (only
// a power loss can take the last commits), and readers (the `usage` command, GET /admin/usage)
// never block the writer.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/UsageRow.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace aicore::host {

struct LedgerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LedgerDb {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  // Opens (ReadWrite: creates, with its schema) the file; throws LedgerError naming it.
  LedgerDb(const std::string& path, Mode mode);
  ~LedgerDb();
  LedgerDb(const LedgerDb&) = delete;
  LedgerDb& operator=(const LedgerDb&) = delete;

  // Every row in one transaction; throws LedgerError (the batch is then not written).
  void insert(const std::vector<UsageRow>& rows);
  // Deletes the rows older than `before_ms`; returns how many.
  int64_t prune(int64_t before_ms);

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::string path_;
};

// A prepared statement: bind, step through rows, read columns. Throws LedgerError.
class Statement {
 public:
  Statement(const LedgerDb& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, int64_t v);  // 1-based, as SQLite counts
  void bind(int index, std::string_view v);
  bool step();  // true: a row is ready
  int64_t integer(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool null(int col) const;

 private:
  const LedgerDb& db_;
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace aicore::host
