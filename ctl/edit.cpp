// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/edit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "base/i18n.hpp"
#include "config/folders.hpp"
#include "config/loader.hpp"
#include "ctl/commands.hpp"

namespace nocontact::ctl {

namespace {

namespace fs = std::filesystem;
using i18n::fill;
using i18n::tr;
using i18n::trn;

void say(std::ostream& err, const char* sentence,
         std::initializer_list<std::pair<std::string_view, std::string_view>> values = {}) {
    err << "nocontactctl: " << fill(sentence, values) << "\n";
}

std::optional<std::string> readAll(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// Writes `text` to `p` (created 0600 or truncated) and flushes it to disk.
bool writeAll(const fs::path& p, const std::string& text, mode_t mode) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, mode) == 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    return ::close(fd) == 0 && ok;
}

// Where a first policy starts from: the installed example, or the one beside the built-in
// profiles ($NOCONTACT_DATA_DIR in a checkout).
std::string startingText() {
    const fs::path candidates[] = {
        config::kSystemPolicyPath,  // the machine's policy, when there is one, is the start
        fs::path(config::builtinProfilesPath()).parent_path() / "policy.example.yaml",
        "/usr/share/doc/nocontact/examples/policy.yaml",
        "/usr/local/share/doc/nocontact/examples/policy.yaml",
    };
    for (const auto& c : candidates) {
        if (auto text = readAll(c)) return *text;
    }
    return "# Your nocontact policy. `man 5 nocontact-policy` describes every key.\n"
           "version: 1\n"
           "defaults:\n"
           "  strictness: pause\n"
           "contacts: []\n";
}

// $VISUAL, $EDITOR, then the system's choice. Run through the shell so "code --wait" works.
int runEditor(const fs::path& file) {
    std::string editor;
    for (const char* name : {"VISUAL", "EDITOR"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') {
            editor = value;
            break;
        }
    }
    if (editor.empty()) {
        editor =
            ::access("/usr/bin/sensible-editor", X_OK) == 0 ? "/usr/bin/sensible-editor" : "vi";
    }
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const std::string command = editor + " \"$1\"";
        ::execl("/bin/sh", "sh", "-c", command.c_str(), "sh", file.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

// One flow from copy to check to save, step by step; longer than .clang-tidy allows, for now.
// NOLINTNEXTLINE(readability-function-size)
int runEdit(const std::string& file_name, std::istream& in, std::ostream& out, std::ostream& err) {
    std::error_code ec;
    // Edit what a symbolic link points to, and keep the link.
    fs::path file = fs::weakly_canonical(fs::absolute(file_name), ec);
    if (ec) file = fs::absolute(file_name);
    const bool exists = fs::exists(file, ec);
    std::string original;
    mode_t mode = 0600;
    if (exists) {
        auto text = readAll(file);
        if (!text) {
            say(err, tr("{file} cannot be read: {error}."),
                {{"file", file.string()}, {"error", std::strerror(errno)}});
            return kExitError;
        }
        original = *text;
        struct stat st {};
        // The policy names people and holds the person's reasons: owner-only, whatever it was.
        if (::stat(file.c_str(), &st) == 0) mode = st.st_mode & 0600;
    } else {
        // Folders made here are the user's alone, whatever the umask; existing ones keep their
        // mode.
        config::makePrivateFolders(file.parent_path(), ec);
        original = startingText();
        out << fill(tr("There is no policy at {file} yet; you start from the commented example."),
                    {{"file", file.string()}})
            << "\n";
    }

    // The copy lives beside the policy, so putting it in place is one rename.
    std::string pattern = (file.parent_path() / ("." + file.filename().string() + ".XXXXXX.yaml"));
    int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) {
        say(err, tr("cannot make a copy to edit beside {file}: {error}."),
            {{"file", file.string()}, {"error", std::strerror(errno)}});
        return kExitError;
    }
    ::close(fd);
    const fs::path copy = pattern;
    if (!writeAll(copy, original, 0600)) {
        say(err, tr("cannot write the copy to edit: {error}."), {{"error", std::strerror(errno)}});
        fs::remove(copy, ec);
        return kExitError;
    }

    for (;;) {
        int status = runEditor(copy);
        if (status != 0) {
            say(err,
                tr("the editor did not finish cleanly (exit {status}); your policy is as it was."),
                {{"status", std::to_string(status)}});
            fs::remove(copy, ec);
            return kExitError;
        }
        auto edited = readAll(copy);
        if (!edited) {
            say(err, tr("the edited copy cannot be read back; your policy is as it was."));
            fs::remove(copy, ec);
            return kExitError;
        }
        if (*edited == original) {
            out << (exists ? tr("No changes; your policy is as it was.")
                           : tr("No changes, so no policy was saved."))
                << "\n";
            fs::remove(copy, ec);
            return kExitOk;
        }
        auto result = config::loadPolicy(*edited, file.string());
        for (const auto& d : result.diagnostics)
            err << d.format() << '\n';
        if (result.ok()) {
            if (!writeAll(copy, *edited, mode) || ::rename(copy.c_str(), file.c_str()) != 0) {
                say(err,
                    tr("cannot put the new policy in place: {error}; your policy is as it was."),
                    {{"error", std::strerror(errno)}});
                fs::remove(copy, ec);
                return kExitError;
            }
            const auto n = result.policy->contacts.size();
            out << fill(trn("Saved {file} ({n} contact). A running nocontactd uses it within a "
                            "moment.",
                            "Saved {file} ({n} contacts). A running nocontactd uses it within a "
                            "moment.",
                            n),
                        {{"file", file.string()}, {"n", std::to_string(n)}})
                << "\n";
            return kExitOk;
        }
        const auto problems = result.errorCount();
        err << fill(trn("This version has {n} problem; it was not put in place, and the policy "
                        "in use stays as it is.",
                        "This version has {n} problems; it was not put in place, and the policy "
                        "in use stays as it is.",
                        problems),
                    {{"n", std::to_string(problems)}})
            << "\n"
            << tr("Edit it again? [Y/n] ") << std::flush;
        std::string answer;
        if (!std::getline(in, answer) || answer == "n" || answer == "N" || answer == "no") {
            fs::path kept = file;
            kept += ".rejected";
            if (::rename(copy.c_str(), kept.c_str()) == 0) {
                err << "\n"
                    << fill(tr("Your edit is kept in {file}; `nocontactctl check {file}` shows "
                               "what to fix."),
                            {{"file", kept.string()}})
                    << "\n";
            } else {
                fs::remove(copy, ec);
            }
            return kExitError;
        }
    }
}

}  // namespace nocontact::ctl
