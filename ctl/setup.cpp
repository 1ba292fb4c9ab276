// SPDX-License-Identifier: GPL-3.0-or-later
// `nocontactctl setup [--yes] [--undo]`: says what it will do, asks, does it, and records it.
#include "ctl/setup.hpp"

#include <filesystem>
#include <stdexcept>

#include "base/i18n.hpp"
#include "base/local_time.hpp"
#include "config/loader.hpp"
#include "ctl/commands.hpp"
#include "ctl/setup_plan.hpp"
#include "policy/engine.hpp"

namespace nocontact::ctl {
namespace {

using i18n::fill;
using i18n::tr;

// The contacts' shapes and who is held now (pause, firm and strict hold; open and gentle
// show). No policy yet: rules for no one, which nocontactd fills in once there is one.
bool loadRules(const SetupOptions& options, setup::Context& ctx, std::ostream& err) {
    std::string file =
        options.policy_file.empty() ? config::defaultPolicyPath() : options.policy_file;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return true;
    auto loaded = config::loadPolicyFile(file);
    for (const auto& d : loaded.diagnostics)
        err << d.format() << "\n";
    if (!loaded.ok()) {
        err << "nocontactctl: "
            << fill(tr("setup writes the notification server's rules from your policy, and "
                       "{file} has errors: nothing was changed. `nocontactctl check` shows "
                       "them again."),
                    {{"file", file}})
            << "\n";
        return false;
    }
    auto builtin = config::loadProfilesFile(config::builtinProfilesPath());
    policy::Profiles profiles(loaded.policy->apps,
                              builtin.ok() ? builtin.profiles : std::vector<policy::AppProfile>{});
    ctx.shapes = config::ruleShapes(*loaded.policy, profiles);
    policy::Engine engine(*loaded.policy);
    policy::Moment now = local_time::momentNow();
    for (std::size_t i = 0; i < loaded.policy->contacts.size(); ++i)
        ctx.held.push_back(engine.explain(i, now).level >= policy::Level::Pause);
    return true;
}

void say(const setup::Plan& plan, bool undo, std::ostream& out) {
    if (!plan.steps.empty()) {
        out << (undo ? tr("nocontactctl setup --undo will:") : tr("nocontactctl setup will:"))
            << "\n";
        for (const auto& s : plan.steps)
            out << "  • " << s.say << "\n";
    }
    for (const auto& n : plan.notes)
        out << "  " << tr("Good to know:") << " " << n << "\n";
}

// Whether the person said yes; false (with the reason said) otherwise.
bool agreed(const SetupOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
    if (options.yes) return true;
    if (!options.interactive) {
        err << "nocontactctl: "
            << tr("setup asks before it changes anything, and there is no one at a terminal "
                  "to answer. Nothing was changed. Run `nocontactctl setup` in a terminal, or "
                  "`nocontactctl setup --yes` to go ahead without being asked.")
            << "\n";
        return false;
    }
    out << tr("Go ahead? [y/N] ") << std::flush;
    std::string answer;
    std::getline(in, answer);
    if (!answer.empty() && (answer[0] == 'y' || answer[0] == 'Y')) return true;
    out << tr("Nothing was changed. You can run `nocontactctl setup` again at any time.") << "\n";
    return false;
}

int carryOut(setup::Plan& plan, setup::Context& ctx, std::ostream& err) {
    for (auto& step : plan.steps) {
        try {
            step.act();
            saveSetupRecord(ctx.paths.setup_record, *ctx.record);
        } catch (const std::exception& e) {
            saveSetupRecord(ctx.paths.setup_record, *ctx.record);
            err << "nocontactctl: " << e.what() << "\n"
                << "  "
                << tr("What was done before this is recorded: `nocontactctl setup --undo` "
                      "takes it back, and `nocontactctl setup` tries the rest again.")
                << "\n";
            return kExitError;
        }
    }
    // nocontactd keeps the rules in step from now on (or lets them go after --undo).
    if (ctx.desktop) ctx.desktop->reloadNocontactd();
    return kExitOk;
}

}  // namespace

int runSetup(const SetupOptions& options, Desktop* desktop, std::istream& in, std::ostream& out,
             std::ostream& err) {
    SetupRecord record;
    setup::Context ctx;
    ctx.desktop = desktop;
    ctx.paths = config::serverPaths();
    ctx.record = &record;
    setup::Plan plan;
    try {
        record = loadSetupRecord(ctx.paths.setup_record);
        if (desktop) ctx.server = desktop->notificationServer();
        if (options.undo) {
            setup::planUndo(ctx, plan);
        } else {
            if (!loadRules(options, ctx, err)) return kExitError;
            setup::planServerRules(ctx, plan);
            setup::planExtension(ctx, plan);
            setup::planService(ctx, plan);
        }
    } catch (const std::exception& e) {
        err << "nocontactctl: " << e.what() << "\n";
        return kExitError;
    }
    say(plan, options.undo, out);
    if (plan.steps.empty()) {
        out << (options.undo ? tr("There is nothing of setup's to take back.")
                             : tr("Nothing to change: everything setup does is in place."))
            << "\n";
        return kExitOk;
    }
    if (!agreed(options, in, out, err)) return options.interactive ? kExitOk : kExitError;
    int status = carryOut(plan, ctx, err);
    if (status != kExitOk) return status;
    out << (options.undo ? tr("Done: what setup did is taken back.")
                         : tr("Done. nocontactd keeps the rules in step with your policy from "
                              "now on; `nocontactctl setup --undo` takes all this back."))
        << "\n";
    return kExitOk;
}

}  // namespace nocontact::ctl
