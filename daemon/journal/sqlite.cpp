// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/journal/sqlite.hpp"

#include <cerrno>

namespace nocontact::daemon::sql {

StoreError errorOf(sqlite3* db, std::string_view what) {
    std::string message{what};
    message += ": ";
    message += db ? sqlite3_errmsg(db) : "out of memory";
    return {std::move(message), db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM};
}

int codeOfErrno(int err) {
    switch (err) {
        case ENOSPC:
        case EDQUOT:
        case EFBIG:
            return SQLITE_FULL;
        case EROFS:
        case EACCES:
        case EPERM:
            return SQLITE_READONLY;
        case EIO:
            return SQLITE_IOERR;
        default:
            return SQLITE_CANTOPEN;
    }
}

Result<Stmt> prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    // PERSISTENT: these statements live as long as the store, SQLite places them accordingly.
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return {.value = std::nullopt, .error = errorOf(db, "preparing a journal statement")};
    }
    return {.value = Stmt{raw}, .error = std::nullopt};
}

Status exec(sqlite3* db, const char* sql, std::string_view what) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return {};
    return {errorOf(db, what)};
}

Use::~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

Use& Use::bind(std::int64_t v) {
    check(sqlite3_bind_int64(s_, next_++, v));
    return *this;
}

Use& Use::bind(const std::string& v) {
    // SQLITE_STATIC: the bytes are read where they are, until ~Use clears the bindings.
    check(sqlite3_bind_text(s_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    return *this;
}

Use& Use::bind(std::string&& v) {
    // SQLITE_TRANSIENT: SQLite copies the bytes before the temporary goes.
    check(sqlite3_bind_text(s_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
}

Use& Use::bind(std::optional<std::int64_t> v) {
    if (v) return bind(*v);
    check(sqlite3_bind_null(s_, next_++));
    return *this;
}

int Use::step() {
    if (rc_ != SQLITE_OK) return rc_;
    return sqlite3_step(s_);
}

std::string Use::text(int column) const {
    const auto* p = sqlite3_column_text(s_, column);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(s_, column)));
}

std::optional<std::int64_t> Use::optInteger(int column) const {
    if (sqlite3_column_type(s_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
}

}  // namespace nocontact::daemon::sql
