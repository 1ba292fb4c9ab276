// SPDX-License-Identifier: GPL-3.0-or-later
// nocontactd: watches notifications and keeps a kind pause between the user and one person.
#include <glib-unix.h>
#include <glib.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/i18n.hpp"
#include "build_info.hpp"
#include "config/withdrawal.hpp"
#include "daemon/daemon.hpp"
#include "daemon/sd_notify.hpp"

namespace {

gboolean quitOnSignal(gpointer loop) {
    nocontact::daemon::notify::stopping();
    g_main_loop_quit(static_cast<GMainLoop*>(loop));
    return G_SOURCE_REMOVE;
}

}  // namespace

int main(int argc, char** argv) {
    nocontact::i18n::init();
    CLI::App app{"nocontactd — a kind pause between you and one person's messages.", "nocontactd"};
    app.set_version_flag("--version", "nocontactd " NOCONTACT_VERSION);
    nocontact::daemon::Options options;
    app.add_option("--policy", options.policy_file, "The policy file (default: your policy.yaml)");
    app.add_option("--state-dir", options.state_dir,
                   "Where the journal lives (default: $XDG_STATE_HOME/nocontact)");
    app.add_flag("--dry-run", options.dry_run, "Decide and log, but act on nothing");
    int retry = static_cast<int>(options.journal_retry.count());
    app.add_option("--journal-retry", retry,
                   "While the journal is kept in memory, try its folder again every SECONDS")
        ->check(CLI::Range(1, 3600));
    // Hidden, for measuring the ways against each other (scripts/flash-count --withdrawal).
    std::string withdrawal;
    app.add_option("--withdrawal", withdrawal,
                   "Take kept messages back this way on any server (for measurement)")
        ->check(CLI::IsMember({"replace-then-close", "close-now"}))
        ->group("");
    CLI11_PARSE(app, argc, argv);
    options.journal_retry = std::chrono::seconds{retry};
    options.withdrawal = nocontact::config::withdrawalNamed(withdrawal);

    GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
    g_unix_signal_add(SIGTERM, quitOnSignal, loop);
    g_unix_signal_add(SIGINT, quitOnSignal, loop);
    nocontact::daemon::Daemon daemon(options);
    try {
        daemon.start(loop);
    } catch (const nocontact::daemon::AlreadyRunning& e) {
        std::cerr << "nocontactd: " << e.what() << '\n';
        g_main_loop_unref(loop);
        return nocontact::daemon::kExitAlreadyRunning;
    } catch (const std::exception& e) {
        std::cerr << "nocontactd: " << e.what() << '\n';
        g_main_loop_unref(loop);
        return 1;
    }
    g_main_loop_run(loop);
    g_main_loop_unref(loop);
    return daemon.exitCode();
}
