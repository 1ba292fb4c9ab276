// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/log.hpp"

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace nocontact::daemon::log {

namespace {

// Field names and values in one table, so the journal and the stderr line never disagree.
std::vector<std::pair<const char*, const std::string*>> namedFields(const Fields& f) {
    return {{"CONTACT", &f.contact}, {"APP", &f.app},   {"ACTION", &f.action},
            {"LEVEL", &f.level},     {"KIND", &f.kind}, {"SOURCE", &f.source}};
}

std::string lowercase(const char* name) {
    std::string out(name);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string cleanValue(std::string_view value) {
    std::string out;
    bool quote = value.empty();
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) c = '?';
        if (c == ' ' || c == '"') quote = true;
        out += c == '"' ? '\'' : c;
    }
    return quote ? "\"" + out + "\"" : out;
}

void send(Priority priority, std::string_view message, const Fields& fields) {
    if (!stderrIsJournal()) {
        std::string line = stderrLine(message, fields) + "\n";
        // One write(2) per line, so lines from a crash or a second thread never interleave.
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
        return;
    }
    auto entries = journalFields(priority, message, fields);
    std::vector<iovec> iov;
    for (auto& entry : entries)
        iov.push_back({entry.data(), entry.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

}  // namespace

std::vector<std::string> journalFields(Priority priority, std::string_view message,
                                       const Fields& fields) {
    std::vector<std::string> out;
    out.push_back("MESSAGE=" + std::string(message));
    out.push_back("PRIORITY=" + std::to_string(static_cast<int>(priority)));
    out.push_back("SYSLOG_IDENTIFIER=nocontactd");
    for (auto [name, value] : namedFields(fields)) {
        if (!value->empty()) out.push_back(std::string("NOCONTACT_") + name + "=" + *value);
    }
    return out;
}

std::string stderrLine(std::string_view message, const Fields& fields) {
    std::string line = "nocontactd: ";
    for (char c : message)
        line += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    for (auto [name, value] : namedFields(fields)) {
        if (!value->empty()) line += " " + lowercase(name) + "=" + cleanValue(*value);
    }
    return line;
}

bool stderrIsJournal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    unsigned long long device = 0, inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return st.st_dev == device && st.st_ino == inode;
}

void write(Priority priority, Literal what, const Fields& fields) {
    send(priority, what.c_str(), fields);
}

void detail(Priority priority, Literal what, std::string_view detail) {
    send(priority, std::string(what.c_str()) + ": " + std::string(detail), {});
}

void policy(bool applied, std::string_view diagnostics) {
    std::string message =
        applied ? "policy applied" : "policy not applied, the last good one stays";
    if (!diagnostics.empty()) message += ": " + std::string(diagnostics);
    send(applied ? Priority::Info : Priority::Warning, message, {});
}

}  // namespace nocontact::daemon::log
