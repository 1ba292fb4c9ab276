// SPDX-License-Identifier: GPL-3.0-or-later
// nocontactctl: the command line over nocontact (DESIGN.md §6).
#include <CLI/CLI.hpp>
#include <iostream>

#include "base/i18n.hpp"
#include "build_info.hpp"
#include "config/loader.hpp"
#include "ctl/commands.hpp"
#include "ctl/edit.hpp"
#ifdef NOCONTACT_HAVE_DAEMON_CLIENT
#include "ctl/changes.hpp"
#include "ctl/daemon_client.hpp"
#include "ctl/held.hpp"
#include "ctl/report.hpp"
#include "ctl/setup.hpp"
#endif
#include <unistd.h>

namespace ctl = nocontact::ctl;
using nocontact::i18n::tr;

// Every subcommand and its options, one after another: a list, longer than .clang-tidy allows.
// NOLINTNEXTLINE(readability-function-size)
int main(int argc, char** argv) {
    nocontact::i18n::init();
    CLI::App app{tr("nocontactctl — keep no contact, kindly."), "nocontactctl"};
    app.set_version_flag("--version", "nocontactctl " NOCONTACT_VERSION);
    app.require_subcommand(1);

    std::string check_file;
    auto* check = app.add_subcommand("check", tr("Check a policy file and explain every problem."));
    check->add_option("FILE", check_file, tr("The policy file (default: your policy.yaml)"));
    bool check_json = false;
    check->add_flag("--json", check_json, tr("Print JSON"));

    std::string edit_file;
    auto* edit = app.add_subcommand(
        "edit", tr("Edit the policy in $EDITOR; it is put in place only when it is valid."));
    edit->add_option("FILE", edit_file, tr("The policy file (default: your policy.yaml)"));

    ctl::ExplainOptions explain_options;
    std::string at;
    auto* explain = app.add_subcommand(
        "explain", tr("Judge notifications (JSON lines on stdin) and say why, one line each."));
    explain->add_option("--policy", explain_options.policy_file, tr("The policy file to use"));
    explain->add_flag("--text", explain_options.text, tr("One readable line each instead of JSON"));
    explain->add_option("--at", at, tr("Judge as if it were this local time (2026-11-27T23:30)"));

#ifdef NOCONTACT_HAVE_DAEMON_CLIENT
    bool status_json = false;
    auto* status = app.add_subcommand("status", tr("What nocontact is doing, and why."));
    status->add_flag("--json", status_json, tr("Print JSON"));
    auto* reload =
        app.add_subcommand("reload", tr("Read the policy again (a broken one is not used)."));
    bool held_json = false, held_all = false;
    auto* held = app.add_subcommand("held", tr("The messages nocontact keeps for you (no text)."));
    held->add_flag("--json", held_json, tr("Print JSON"));
    held->add_flag("--all", held_all, tr("Also the messages you let go (readable for 30 days)"));
    std::string read_target, let_go_target;
    auto* read = app.add_subcommand("read", tr("Take a breath, then read kept messages."));
    read->add_option("TARGET", read_target,
                     tr("A message id (also one you let go), or a contact's name"))
        ->required();
    auto* let_go = app.add_subcommand("let-go", tr("Let kept messages go without reading them."));
    let_go->add_option("TARGET", let_go_target, tr("A message id, or a contact's name"))
        ->required();

    ctl::ChangeOptions change;
    auto addChange = [&](const char* name, const std::string& help, bool with_to, bool with_for) {
        auto* sub = app.add_subcommand(name, help);
        sub->add_option("CONTACT", change.contact, tr("The contact, as your policy names them"))
            ->required();
        if (with_to) sub->add_option("--to", change.to, tr("A level instead of one step"));
        if (with_for) sub->add_option("--for", change.duration, tr("How long: 30m, 2h, 1d"));
        sub->add_option("--note", change.note, tr("In your own words, kept in the journal"));
        sub->callback([&change, name] { change.change = name; });
        return sub;
    };
    addChange("soften", tr("A step down (or --to a level), for a while or until changed."), true,
              true);
    addChange("harden", tr("A step up (or --to a level), for a while or until changed."), true,
              true);
    addChange("final-straw", tr("Strict from now on; day one is today."), false, false);
    auto* snooze = app.add_subcommand("snooze", tr("All intervention off for a while."));
    auto* snooze_for = snooze->add_option("DURATION", change.duration, tr("How long: 30m, 2h, 1d"));
    bool snooze_end = false;
    auto* end = snooze->add_flag("--end", snooze_end, tr("End the snooze now"));
    end->excludes(snooze_for);
    snooze->callback([&change, &snooze_end] {
        change.change = snooze_end ? "snooze-end" : "snooze";
        if (!snooze_end && change.duration.empty()) {
            throw CLI::RequiredError("DURATION (or --end)");
        }
    });
    std::string reset_contact;
    auto* reset = app.add_subcommand(
        "reset", tr("Back to the policy's level for a contact: your soften or harden ends."));
    reset->add_option("CONTACT", reset_contact, tr("The contact, as your policy names them"))
        ->required();
    std::string note_contact, note_text;
    auto* note = app.add_subcommand("note", tr("A note in your own words."));
    note->add_option("CONTACT", note_contact, tr("The contact"))->required();
    note->add_option("TEXT", note_text, tr("Your words"))->required();

    ctl::StatsOptions stats_options;
    auto* stats = app.add_subcommand(
        "stats", tr("The day of your space, day by day, and the pauses you took."));
    stats->add_option("CONTACT", stats_options.contact, tr("One contact (default: everyone)"));
    stats->add_option("--days", stats_options.days, tr("How many days back (default 28)"))
        ->check(CLI::Range(1, 366));
    stats->add_flag("--json", stats_options.json, tr("Print JSON"));
    std::optional<std::string> journal_since;
    bool journal_json = false;
    auto* journal = app.add_subcommand("journal", tr("What happened, without message text."));
    journal->add_option("--since", journal_since,
                        tr("From a date (2026-11-01), a time (2026-11-01T08:00) or a while ago "
                           "(7d); default 30 days"));
    journal->add_flag("--json", journal_json, tr("Print JSON"));
    bool export_json = false;
    auto* export_ = app.add_subcommand(
        "export", tr("Everything nocontact keeps, except message text, as one JSON document."));
    export_->add_flag("--json", export_json, tr("JSON (the only format; accepted for clarity)"));
    ctl::SetupOptions setup_options;
    auto* setup = app.add_subcommand(
        "setup", tr("Prepare your desktop so kept messages are never shown; asks first."));
    setup->add_flag("--yes", setup_options.yes, tr("Go ahead without asking"));
    setup->add_flag("--undo", setup_options.undo, tr("Take back what setup did"));
#endif

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return ctl::kExitUsage;
    }

    if (check->parsed()) {
        std::string file = check_file.empty() ? nocontact::config::defaultPolicyPath() : check_file;
        return ctl::runCheck(file, check_json, std::cout, std::cerr);
    }
    if (edit->parsed()) {
        // Always the person's own file: a system-wide policy is a starting point, not a target.
        std::string file = edit_file.empty() ? nocontact::config::userPolicyPath() : edit_file;
        if (file.empty()) file = nocontact::config::kSystemPolicyPath;
        return ctl::runEdit(file, std::cin, std::cout, std::cerr);
    }
    if (explain->parsed()) {
        if (!at.empty()) explain_options.at = at;
        return ctl::runExplain(explain_options, std::cin, std::cout, std::cerr);
    }
#ifdef NOCONTACT_HAVE_DAEMON_CLIENT
    if (status->parsed()) return ctl::runStatus(status_json, std::cout, std::cerr);
    if (reload->parsed()) return ctl::runReload(std::cout, std::cerr);
    if (held->parsed()) return ctl::runHeld(held_json, held_all, std::cout, std::cerr);
    if (read->parsed()) return ctl::runRead(read_target, std::cout, std::cerr);
    if (let_go->parsed()) return ctl::runLetGo(let_go_target, std::cout, std::cerr);
    if (change.change == "snooze-end") return ctl::runEndSnooze(std::cout, std::cerr);
    if (!change.change.empty()) return ctl::runChange(change, std::cout, std::cerr);
    if (reset->parsed()) return ctl::runReset(reset_contact, std::cout, std::cerr);
    if (note->parsed()) return ctl::runNote(note_contact, note_text, std::cout, std::cerr);
    if (stats->parsed()) return ctl::runStats(stats_options, std::cout, std::cerr);
    if (journal->parsed()) {
        return ctl::runJournal(journal_since, journal_json, std::cout, std::cerr);
    }
    if (export_->parsed()) return ctl::runExport(std::cout, std::cerr);
    if (setup->parsed()) {
        setup_options.interactive = isatty(STDIN_FILENO) != 0;
        std::string why;
        auto desktop = ctl::sessionDesktop(why);
        if (!desktop) {
            std::cerr << "nocontactctl: "
                      << nocontact::i18n::fill(
                             nocontact::i18n::tr("setup needs your desktop session's bus, and "
                                                 "it cannot be reached ({error})."),
                             {{"error", why}})
                      << "\n";
            return ctl::kExitError;
        }
        return ctl::runSetup(setup_options, desktop.get(), std::cin, std::cout, std::cerr);
    }
#endif
    return ctl::kExitUsage;
}
