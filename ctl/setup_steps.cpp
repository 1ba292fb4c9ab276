// SPDX-License-Identifier: GPL-3.0-or-later
// What `nocontactctl setup` does for each part of the desktop.
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "base/i18n.hpp"
#include "config/loader.hpp"
#include "ctl/setup_plan.hpp"

namespace nocontact::ctl::setup {
namespace {

namespace fs = std::filesystem;
using i18n::fill;
using i18n::tr;

// The first line of a dunstrc setup copied, so that --undo knows it for its own.
constexpr const char* kDunstCopyMark =
    "# nocontact: a copy of {file}, made by `nocontactctl setup` so that dunst reads "
    "dunstrc.d/ here; `nocontactctl setup --undo` removes it while unchanged.\n";

std::runtime_error failed(const char* english, const char* server) {
    return std::runtime_error(fill(tr(english), {{"server", server}}));
}

std::string heldRules(const Context& ctx) {
    std::size_t rules = 0;
    for (const auto& s : ctx.shapes)
        rules += s.contact < ctx.held.size() && ctx.held[s.contact];
    return fill(i18n::trn("{n} rule for the contacts kept back now",
                          "{n} rules for the contacts kept back now", rules),
                {{"n", std::to_string(rules)}});
}

void planDunstBase(Context& ctx, Plan& plan, std::string& base_text) {
    if (auto text = config::readFileIfAny(ctx.paths.dunst_base)) {
        base_text = *text;
        return;
    }
    std::string system = systemConfig("dunst/dunstrc");
    std::string copy = fill(kDunstCopyMark, {{"file", system.empty() ? "-" : system}});
    if (!system.empty()) copy += config::readFileIfAny(system).value_or("");
    base_text = copy;
    std::string say =
        system.empty()
            ? fill(tr("Create {file} with nothing but a marking line: dunst reads extra rule "
                      "files only beside a dunstrc of your own, and it keeps its built-in "
                      "settings."),
                   {{"file", ctx.paths.dunst_base}})
            : fill(tr("Copy dunst's settings from {system} to {file}, unchanged but for one "
                      "marking line on top: dunst reads extra rule files only beside a "
                      "dunstrc of your own."),
                   {{"system", system}, {"file", ctx.paths.dunst_base}});
    plan.steps.push_back({say, [&ctx, copy] {
                              ctx.record->addMissingDirs(ctx.paths.dunst_base);
                              config::writeFileAtomic(ctx.paths.dunst_base, copy);
                              ctx.record->dunstrc_copy = copy;
                              ctx.record->addCreated(ctx.paths.dunst_base);
                          }});
}

void planDunst(Context& ctx, Plan& plan) {
    std::string base_text;
    planDunstBase(ctx, plan, base_text);
    bool base_changes = !plan.steps.empty();
    config::DunstSyntax syntax{config::dunstSyntaxOf(base_text).regex ||
                               config::dunstSyntax(ctx.paths).regex};
    std::string dropin = config::renderDunst(ctx.shapes, ctx.held, syntax);
    auto current = config::readFileIfAny(ctx.paths.dunst_dropin);
    bool changes = base_changes || current != dropin;
    if (current != dropin || !ctx.record->hasRules("dunst")) {
        plan.steps.push_back(
            {fill(tr("Write nocontact's rules for dunst to {file} ({rules}); nocontactd keeps "
                     "them in step with your policy."),
                  {{"file", ctx.paths.dunst_dropin}, {"rules", heldRules(ctx)}}),
             [&ctx, dropin, created = !current] {
                 ctx.record->addMissingDirs(ctx.paths.dunst_dropin);
                 config::writeFileAtomic(ctx.paths.dunst_dropin, dropin);
                 if (created) ctx.record->addCreated(ctx.paths.dunst_dropin);
                 ctx.record->addRules("dunst");
             }});
    }
    bool loaded = !changes;
    if (!changes && !ctx.shapes.empty() && ctx.desktop) {
        const auto& first = ctx.shapes.front();
        bool on = first.contact < ctx.held.size() && ctx.held[first.contact];
        loaded = ctx.desktop->dunstKnowsRule(config::dunstRuleName(first), on).value_or(true);
    }
    if (!loaded) planDunstReload(ctx, plan);
}

void planMako(Context& ctx, Plan& plan) {
    auto current = config::readFileIfAny(ctx.paths.mako);
    std::string text = current.value_or("");
    std::string next = config::spliceMarked(text, config::renderMako(ctx.shapes, ctx.held));
    if (next == text && ctx.record->hasRules("mako")) return;
    plan.steps.push_back(
        {fill(tr("Add nocontact's rules for mako ({rules}) to {file}, in a block marked as "
                 "nocontact's; the rest of the file stays exactly as it is."),
              {{"file", ctx.paths.mako}, {"rules", heldRules(ctx)}}),
         [&ctx, next, created = !current] {
             ctx.record->addMissingDirs(ctx.paths.mako);
             config::writeFileAtomic(ctx.paths.mako, next);
             if (created) ctx.record->addCreated(ctx.paths.mako);
             ctx.record->addRules("mako");
         }});
    plan.steps.push_back({tr("Ask mako to read its settings again."), [&ctx] {
                              if (!ctx.desktop->makoReload())
                                  throw failed(N_("{server} did not answer when asked to read its "
                                                  "settings again."),
                                               "mako");
                          }});
}

void planRestart(Context& ctx, Plan& plan, const std::string& server,
                 std::optional<std::uint32_t> showing);

void planSwaync(Context& ctx, Plan& plan) {
    auto current = config::readFileIfAny(ctx.paths.swaync);
    std::string system = systemConfig("swaync/config.json");
    std::string base = current ? *current
                               : (system.empty() ? std::string("{}\n")
                                                 : config::readFileIfAny(system).value_or("{}\n"));
    std::string next = config::renderSwaync(base, ctx.shapes, ctx.held);
    if (current == next && ctx.record->hasRules("swaync")) return;
    plan.steps.push_back(
        {fill(tr("Add nocontact's rules for swaync ({rules}) to {file}, as entries named "
                 "nocontact-…; your own settings stay as they are."),
              {{"file", ctx.paths.swaync}, {"rules", heldRules(ctx)}}),
         [&ctx, next, base, created = !current] {
             if (!ctx.record->swaync_original) ctx.record->swaync_original = base;
             if (created) ctx.record->addCreated(ctx.paths.swaync);
             ctx.record->addRules("swaync");
             ctx.record->addMissingDirs(ctx.paths.swaync);
             config::writeFileAtomic(ctx.paths.swaync, next);
         }});
    if (!current && ctx.desktop) {
        // swaync 0.7 settles on its settings file when it starts: without one of the user's
        // then, it re-reads the system's, and only a new start finds the new file.
        planRestart(ctx, plan, "swaync", ctx.desktop->swayncShowing());
        return;
    }
    plan.steps.push_back({tr("Ask swaync to read its settings again."), [&ctx] {
                              if (!ctx.desktop->swayncReload())
                                  throw failed(N_("{server} did not answer when asked to read its "
                                                  "settings again."),
                                               "swaync");
                          }});
}

// dunst 1.9, and swaync without a settings file of the user's when it started, read the rules
// only when they start: restarted, with the person's yes, when they show nothing right now.
void planRestart(Context& ctx, Plan& plan, const std::string& server,
                 std::optional<std::uint32_t> showing) {
    if (!showing || *showing > 0) {
        plan.notes.push_back(fill(
            tr("{server} reads these rules only when it starts, and it has notifications right "
               "now, so setup does not restart it: nothing should be lost. Once they are gone, "
               "run `nocontactctl setup` again (or restart {server} yourself). Until then, "
               "nocontact takes messages away after {server} shows them."),
            {{"server", server}}));
        return;
    }
    if (auto unit = ctx.desktop->serverUnit()) {
        plan.steps.push_back(
            {fill(tr("Restart {server} ({unit}) so that it reads the rules: it cannot read them "
                     "while it runs. It has no notification now, so none is lost."),
                  {{"server", server}, {"unit", *unit}}),
             [&ctx, unit = *unit, server] {
                 if (ctx.desktop->run({"systemctl", "--user", "restart", unit}) != 0)
                     throw failed(N_("{server} could not be restarted."), server.c_str());
             }});
    } else if (ctx.desktop->serverActivatable()) {
        plan.steps.push_back(
            {fill(tr("Stop {server} so that it reads the rules when the next notification "
                     "starts it again: it cannot read them while it runs. It has no "
                     "notification now, so none is lost."),
                  {{"server", server}}),
             [&ctx, server] {
                 if (!ctx.desktop->endServer())
                     throw failed(N_("{server} could not be restarted."), server.c_str());
             }});
    } else {
        plan.notes.push_back(
            fill(tr("{server} reads these rules only when it starts, and here nothing would "
                    "start it again, so setup leaves it running: restart {server} yourself (or "
                    "log out and in) for the rules to take effect."),
                 {{"server", server}}));
    }
}

}  // namespace

std::string systemConfig(const std::string& relative) {
    const char* dirs = std::getenv("XDG_CONFIG_DIRS");
    std::string list = dirs && *dirs ? dirs : "/etc/xdg";
    std::stringstream in(list);
    for (std::string dir; std::getline(in, dir, ':');) {
        if (dir.empty() || dir.front() != '/') continue;
        std::error_code ec;
        std::string path = dir + "/" + relative;
        if (fs::is_regular_file(path, ec)) return path;
    }
    return "";
}

bool versionAtLeast(const std::string& version, int major, int minor) {
    int ma = 0, mi = 0;
    char dot = 0;
    std::istringstream in(version);
    if (!(in >> ma >> dot >> mi) || dot != '.') return false;
    return ma > major || (ma == major && mi >= minor);
}

void planDunstReload(Context& ctx, Plan& plan) {
    if (!ctx.desktop || !ctx.server || ctx.server->name != "dunst") return;
    if (!versionAtLeast(ctx.server->version, 1, 10)) {
        planRestart(ctx, plan, "dunst", ctx.desktop->dunstShowing());
        return;
    }
    plan.steps.push_back({tr("Ask dunst to read its settings again."), [&ctx] {
                              if (!ctx.desktop->dunstReload())
                                  throw failed(N_("{server} did not answer when asked to read its "
                                                  "settings again."),
                                               "dunst");
                          }});
}

namespace {

// xfce4-notifyd writes each notification's text to its log as it arrives, when that is on:
// with the person's yes, the apps nocontact watches (and its own) are kept out of it.
void planXfceLog(Context& ctx, Plan& plan) {
    auto log = ctx.desktop ? ctx.desktop->xfceLog() : std::nullopt;
    if (!log) return;
    auto builtin = config::loadProfilesFile(config::builtinProfilesPath());
    auto missing = config::appsLogged(*log, config::watchedAppNames(builtin.profiles));
    if (missing.empty()) return;
    std::string apps;
    for (const auto& app : missing)
        apps += (apps.empty() ? "" : ", ") + app;
    plan.steps.push_back(
        {fill(tr("Keep {apps} out of xfce4-notifyd's log: it writes each notification's text "
                 "there as it arrives, a contact's message too. Other apps stay in it."),
              {{"apps", apps}}),
         [&ctx, before = log->excluded, next = config::withExcluded(*log, missing)] {
             if (!ctx.record->xfce_log_excluded) ctx.record->xfce_excluded_before = before;
             ctx.desktop->setXfceExcluded(next);
             ctx.record->xfce_log_excluded = true;
         }});
}

}  // namespace

void planServerRules(Context& ctx, Plan& plan) {
    if (!ctx.server) {
        plan.notes.push_back(
            tr("No notification server is running right now, so setup cannot tell which one "
               "you use. Show any notification (for example: notify-send hello), then run "
               "`nocontactctl setup` again."));
        return;
    }
    auto server = config::ruleServerFor(ctx.server->name);
    if (!server) {
        if (ctx.server->name == "gnome-shell") return;  // planExtension
        if (ctx.server->name == "xfce4-notifyd") planXfceLog(ctx, plan);
        plan.notes.push_back(
            fill(tr("Your notification server is {server}. nocontact cannot give it rules of its "
                    "own, so a kept message may still show for a moment before nocontact takes it "
                    "away. The README says what nocontact can promise on each server."),
                 {{"server", ctx.server->name}}));
        return;
    }
    switch (*server) {
        case config::RuleServer::Dunst:
            return planDunst(ctx, plan);
        case config::RuleServer::Mako:
            return planMako(ctx, plan);
        case config::RuleServer::Swaync:
            return planSwaync(ctx, plan);
    }
}

const char* extensionUuidFor(const std::string& shell_version) {
    return versionAtLeast(shell_version, 45, 0) ? kExtension45Uuid : kExtensionUuid;
}

void planExtension(Context& ctx, Plan& plan) {
    if (!ctx.desktop || !ctx.server || ctx.server->name != "gnome-shell") return;
    std::string enabled;
    if (ctx.desktop->run({"gnome-extensions", "list", "--enabled"}, &enabled) < 0) {
        plan.notes.push_back(
            tr("GNOME Shell shows your notifications, but the gnome-extensions command is not "
               "installed, so setup cannot switch on nocontact's extension. Switch on "
               "“nocontact” in the Extensions app, or install gnome-extensions and run setup "
               "again."));
        return;
    }
    const std::string uuid = extensionUuidFor(ctx.server->version);
    std::istringstream lines(enabled);
    for (std::string line; std::getline(lines, line);) {
        if (line == uuid) return;
    }
    plan.steps.push_back(
        {fill(tr("Switch on nocontact's GNOME Shell extension ({uuid}), which keeps a message "
                 "back before GNOME shows it."),
              {{"uuid", uuid}}),
         [&ctx, uuid] {
             if (ctx.desktop->run({"gnome-extensions", "enable", uuid}) != 0)
                 throw failed(N_("{server} would not switch on nocontact's extension."),
                              "gnome-extensions");
             ctx.record->extension_uuid = uuid;
             ctx.record->enabled_extension = true;
         }});
}

void planService(Context& ctx, Plan& plan) {
    if (!ctx.desktop) return;
    std::string state;
    int rc = ctx.desktop->run({"systemctl", "--user", "is-enabled", "nocontactd.service"}, &state);
    if (rc < 0) {
        plan.notes.push_back(
            tr("systemctl is not available, so setup cannot switch on nocontactd: start "
               "nocontactd with your session in another way."));
        return;
    }
    state = state.substr(0, state.find('\n'));
    if (state == "enabled" || state == "enabled-runtime" || state == "static" ||
        state == "indirect" || state == "generated" || state == "alias")
        return;
    if (state != "disabled") {
        // No user manager to ask (a session without systemd, a container), or the unit is
        // not installed (a build from source): nothing setup could switch on.
        plan.notes.push_back(
            state == "masked" || state == "masked-runtime"
                ? tr("nocontactd's service is masked in systemd: setup leaves it so. `systemctl "
                     "--user unmask nocontactd` lets setup switch it on.")
                : tr("systemd cannot switch nocontactd on here (no user service manager, or "
                     "the service is not installed): start nocontactd with your session in "
                     "another way."));
        return;
    }
    plan.steps.push_back(
        {tr("Switch on nocontactd, nocontact's service, for your sessions from now on, and "
            "start it now (systemctl --user enable --now nocontactd)."),
         [&ctx] {
             if (ctx.desktop->run(
                     {"systemctl", "--user", "enable", "--now", "nocontactd.service"}) != 0)
                 throw failed(N_("{server} could not switch on nocontactd."), "systemctl");
             ctx.record->enabled_service = true;
         }});
}

}  // namespace nocontact::ctl::setup
