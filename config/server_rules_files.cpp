// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' configuration files: where they are, nocontact's marked block in a shared file,
// and writing without ever leaving a half-written file behind.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "base/i18n.hpp"
#include "config/server_rules.hpp"

namespace nocontact::config {
namespace {

namespace fs = std::filesystem;
using i18n::fill;
using i18n::tr;

std::runtime_error fileError(const char* english, const std::string& file, const std::string& why) {
    return std::runtime_error(fill(tr(english), {{"file", file}, {"why", why}}));
}

struct Region {
    std::size_t begin = 0;  // start of the kMarkBegin line
    std::size_t end = 0;    // just past the kMarkEnd line (and its newline, if any)
    bool newline_at_end = true;
};

// The start of the first line at or after `from` that is exactly `line`.
std::size_t findLine(const std::string& file, std::string_view line, std::size_t from) {
    for (std::size_t pos = from; pos <= file.size();) {
        std::size_t end = file.find('\n', pos);
        std::size_t stop = end == std::string::npos ? file.size() : end;
        if (std::string_view(file).substr(pos, stop - pos) == line) return pos;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return std::string::npos;
}

std::optional<Region> markedRegion(const std::string& file) {
    std::size_t begin = findLine(file, kMarkBegin, 0);
    if (begin == std::string::npos) return std::nullopt;
    std::size_t end = findLine(file, kMarkEnd, begin);
    if (end == std::string::npos) return std::nullopt;
    end += std::string_view(kMarkEnd).size();
    Region r{begin, end, end < file.size()};
    if (r.newline_at_end) ++r.end;  // the line's '\n'
    return r;
}

std::string markedBlock(const std::string& block, bool newline_at_end) {
    std::string out = std::string(kMarkBegin) + "\n" + block;
    if (!block.empty() && block.back() != '\n') out += '\n';
    out += kMarkEnd;
    if (newline_at_end) out += '\n';
    return out;
}

std::string homeConfig() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') return x;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + "/.config";
}

std::string homeState() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x == '/') return x;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + "/.local/state";
}

std::string errnoText() {
    return std::strerror(errno);
}

void makeDirs(const fs::path& dir) {
    if (dir.empty() || fs::is_directory(dir)) return;
    makeDirs(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        throw fileError(N_("could not create the folder {file}: {why}"), dir.string(), errnoText());
    }
}

bool setupRecordNames(const ServerPaths& paths, RuleServer s) {
    auto text = readFileIfAny(paths.setup_record);
    if (!text) return false;
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array()) return false;
    const auto& rules = doc["rules"];
    return std::find(rules.begin(), rules.end(), ruleServerName(s)) != rules.end();
}

bool writeIfChanged(const std::string& path, const std::string& before, const std::string& after) {
    if (before == after) return false;
    writeFileAtomic(path, after);
    return true;
}

}  // namespace

bool hasMarked(const std::string& file) {
    return markedRegion(file).has_value();
}

std::string spliceMarked(const std::string& file, const std::string& block) {
    if (auto r = markedRegion(file)) {
        return file.substr(0, r->begin) + markedBlock(block, r->newline_at_end) +
               file.substr(r->end);
    }
    if (file.empty() || file.back() == '\n') return file + markedBlock(block, true);
    // No newline at the end: one goes before the block, and the block ends the file without
    // one, so that removeMarked knows to take that newline away again.
    return file + "\n" + markedBlock(block, false);
}

std::string removeMarked(const std::string& file) {
    auto r = markedRegion(file);
    if (!r) return file;
    std::size_t begin = r->begin;
    if (!r->newline_at_end && begin > 0 && file[begin - 1] == '\n') --begin;
    return file.substr(0, begin) + file.substr(r->end);
}

ServerPaths serverPaths() {
    std::string config = homeConfig();
    return {config + "/dunst/dunstrc", config + "/dunst/dunstrc.d/90-nocontact.conf",
            config + "/mako/config", config + "/swaync/config.json",
            homeState() + "/nocontact/setup.json"};
}

std::optional<std::string> readFileIfAny(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(path, ec)) return std::nullopt;
        throw fileError(N_("could not read {file}: {why}"), path, errnoText());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw fileError(N_("could not read {file}: {why}"), path, errnoText());
    return text.str();
}

void writeFileAtomic(const std::string& path_in, const std::string& text) {
    fs::path path = path_in;
    std::error_code ec;
    if (fs::is_symlink(path, ec)) path = fs::weakly_canonical(path, ec);
    makeDirs(path.parent_path());
    std::string tmp = path.string() + ".nocontact-XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) throw fileError(N_("could not write {file}: {why}"), path.string(), errnoText());
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        ok = n > 0 || (n < 0 && errno == EINTR);
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    std::string why = ok ? "" : errnoText();
    ok = ::close(fd) == 0 && ok;
    if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return;
    if (why.empty()) why = errnoText();
    ::unlink(tmp.c_str());
    throw fileError(N_("could not write {file}: {why}"), path.string(), why);
}

bool rulesInstalled(RuleServer s, const ServerPaths& paths) {
    std::error_code ec;
    switch (s) {
        case RuleServer::Dunst:
            return fs::exists(paths.dunst_dropin, ec);
        case RuleServer::Mako: {
            auto text = readFileIfAny(paths.mako);
            return text && hasMarked(*text);
        }
        case RuleServer::Swaync:
            return fs::exists(paths.swaync, ec) && setupRecordNames(paths, s);
    }
    return false;
}

DunstSyntax dunstSyntax(const ServerPaths& paths) {
    std::string all = readFileIfAny(paths.dunst_base).value_or("");
    fs::path dir = fs::path(paths.dunst_base).string() + ".d";
    std::vector<fs::path> dropins;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() == ".conf" && e.path() != fs::path(paths.dunst_dropin))
            dropins.push_back(e.path());
    }
    std::sort(dropins.begin(), dropins.end());
    for (const fs::path& p : dropins)
        all += "\n" + readFileIfAny(p.string()).value_or("");
    return dunstSyntaxOf(all);
}

bool updateRules(RuleServer s, const ServerPaths& paths, const std::vector<RuleShape>& shapes,
                 const std::vector<bool>& held) {
    if (!rulesInstalled(s, paths)) return false;
    switch (s) {
        case RuleServer::Dunst: {
            std::string before = readFileIfAny(paths.dunst_dropin).value_or("");
            return writeIfChanged(paths.dunst_dropin, before,
                                  renderDunst(shapes, held, dunstSyntax(paths)));
        }
        case RuleServer::Mako: {
            std::string before = readFileIfAny(paths.mako).value_or("");
            return writeIfChanged(paths.mako, before,
                                  spliceMarked(before, renderMako(shapes, held)));
        }
        case RuleServer::Swaync: {
            std::string before = readFileIfAny(paths.swaync).value_or("{}");
            return writeIfChanged(paths.swaync, before, renderSwaync(before, shapes, held));
        }
    }
    return false;
}

}  // namespace nocontact::config
