// SPDX-License-Identifier: GPL-3.0-or-later
// `nocontactctl setup --undo`: takes back what setup recorded doing, and nothing else.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/i18n.hpp"
#include "ctl/setup_plan.hpp"

namespace nocontact::ctl::setup {
namespace {

namespace fs = std::filesystem;
using i18n::fill;
using i18n::tr;

void removeFile(const std::string& path) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) {
        throw std::runtime_error(
            fill(tr("could not remove {file}: {why}"), {{"file", path}, {"why", ec.message()}}));
    }
}

void forget(std::vector<std::string>& list, const std::string& item) {
    std::erase(list, item);
}

bool serverIs(const Context& ctx, const char* name) {
    return ctx.desktop && ctx.server && ctx.server->name == name;
}

void undoDunst(Context& ctx, Plan& plan) {
    SetupRecord& r = *ctx.record;
    std::error_code ec;
    bool dropin = r.hasRules("dunst") && fs::exists(ctx.paths.dunst_dropin, ec);
    if (dropin) {
        plan.steps.push_back({fill(tr("Remove nocontact's rules for dunst ({file})."),
                                   {{"file", ctx.paths.dunst_dropin}}),
                              [&ctx] {
                                  removeFile(ctx.paths.dunst_dropin);
                                  forget(ctx.record->created, ctx.paths.dunst_dropin);
                                  forget(ctx.record->rules, "dunst");
                              }});
    } else if (r.hasRules("dunst")) {
        plan.steps.push_back({tr("Forget that setup wrote rules for dunst (they are gone)."),
                              [&ctx] { forget(ctx.record->rules, "dunst"); }});
    }
    if (r.dunstrc_copy) {
        auto now = config::readFileIfAny(ctx.paths.dunst_base);
        if (now == r.dunstrc_copy) {
            plan.steps.push_back(
                {fill(tr("Remove the copy of dunst's settings that setup made ({file}); dunst "
                         "goes back to the system's settings."),
                      {{"file", ctx.paths.dunst_base}}),
                 [&ctx] {
                     removeFile(ctx.paths.dunst_base);
                     forget(ctx.record->created, ctx.paths.dunst_base);
                     ctx.record->dunstrc_copy.reset();
                 }});
        } else {
            if (now) {
                plan.notes.push_back(fill(
                    tr("{file} began as setup's copy of dunst's settings and has changed since, "
                       "so it stays: it is yours now."),
                    {{"file", ctx.paths.dunst_base}}));
            }
            plan.steps.push_back({tr("Forget setup's copy of dunst's settings."), [&ctx] {
                                      forget(ctx.record->created, ctx.paths.dunst_base);
                                      ctx.record->dunstrc_copy.reset();
                                  }});
        }
    }
    if (dropin && serverIs(ctx, "dunst")) planDunstReload(ctx, plan);
}

void undoMako(Context& ctx, Plan& plan) {
    if (!ctx.record->hasRules("mako")) return;
    auto now = config::readFileIfAny(ctx.paths.mako);
    std::string next = config::removeMarked(now.value_or(""));
    bool remove = ctx.record->wasCreated(ctx.paths.mako) && next.empty();
    bool changes = now && *now != next;
    plan.steps.push_back({fill(tr("Remove nocontact's block from mako's settings ({file})."),
                               {{"file", ctx.paths.mako}}),
                          [&ctx, next, remove, changes] {
                              if (remove) {
                                  removeFile(ctx.paths.mako);
                              } else if (changes) {
                                  config::writeFileAtomic(ctx.paths.mako, next);
                              }
                              forget(ctx.record->created, ctx.paths.mako);
                              forget(ctx.record->rules, "mako");
                          }});
    if (changes && serverIs(ctx, "mako")) {
        plan.steps.push_back({tr("Ask mako to read its settings again."), [&ctx] {
                                  if (!ctx.desktop->makoReload())
                                      throw std::runtime_error(
                                          tr("mako did not answer when asked to read its "
                                             "settings again."));
                              }});
    }
}

bool sameJson(const std::string& a, const std::string& b) {
    auto pa = nlohmann::json::parse(a, nullptr, false, true);
    auto pb = nlohmann::json::parse(b, nullptr, false, true);
    return !pa.is_discarded() && pa == pb;
}

void undoSwaync(Context& ctx, Plan& plan) {
    if (!ctx.record->hasRules("swaync")) return;
    auto now = config::readFileIfAny(ctx.paths.swaync);
    std::string next;
    bool remove = false;
    if (now) {
        next = config::renderSwaync(*now, {}, {});
        const auto& original = ctx.record->swaync_original;
        if (original && sameJson(next, *original)) {
            remove = ctx.record->wasCreated(ctx.paths.swaync);
            next = *original;  // byte for byte as it was
        }
    }
    bool changes = now && (remove || *now != next);
    plan.steps.push_back({fill(tr("Remove nocontact's entries from swaync's settings ({file})."),
                               {{"file", ctx.paths.swaync}}),
                          [&ctx, next, remove, changes] {
                              if (remove) {
                                  removeFile(ctx.paths.swaync);
                              } else if (changes) {
                                  config::writeFileAtomic(ctx.paths.swaync, next);
                              }
                              forget(ctx.record->created, ctx.paths.swaync);
                              forget(ctx.record->rules, "swaync");
                              ctx.record->swaync_original.reset();
                          }});
    if (changes && serverIs(ctx, "SwayNotificationCenter")) {
        plan.steps.push_back({tr("Ask swaync to read its settings again."), [&ctx] {
                                  if (!ctx.desktop->swayncReload())
                                      throw std::runtime_error(
                                          tr("swaync did not answer when asked to read its "
                                             "settings again."));
                              }});
    }
}

void undoSwitches(Context& ctx, Plan& plan) {
    if (ctx.record->enabled_extension && ctx.desktop) {
        plan.steps.push_back(
            {tr("Switch nocontact's GNOME Shell extension off again (setup switched it on)."),
             [&ctx] {
                 const std::string uuid = ctx.record->extension_uuid.empty()
                                              ? std::string(kExtensionUuid)
                                              : ctx.record->extension_uuid;
                 if (ctx.desktop->run({"gnome-extensions", "disable", uuid}) != 0)
                     throw std::runtime_error(
                         tr("gnome-extensions would not switch nocontact's extension off."));
                 ctx.record->enabled_extension = false;
             }});
    }
    if (ctx.record->enabled_service && ctx.desktop) {
        plan.steps.push_back(
            {tr("Switch nocontactd off again and stop it (setup switched it on)."), [&ctx] {
                 if (ctx.desktop->run(
                         {"systemctl", "--user", "disable", "--now", "nocontactd.service"}) != 0)
                     throw std::runtime_error(tr("systemctl could not switch nocontactd off."));
                 ctx.record->enabled_service = false;
             }});
    }
}

// The folders setup made, innermost first, once they are empty; one with anything in it stays.
void undoDirs(Context& ctx, Plan& plan) {
    if (ctx.record->created_dirs.empty()) return;
    plan.steps.push_back(
        {tr("Remove the folders setup made, where nothing else is in them."), [&ctx] {
             auto& dirs = ctx.record->created_dirs;
             for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
                 std::error_code ec;
                 if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
             }
             dirs.clear();
         }});
}

}  // namespace

namespace {

// The excluded-from-log list as it was before setup (taken away when it had none).
void undoXfceLog(Context& ctx, Plan& plan) {
    if (!ctx.record->xfce_log_excluded || !ctx.desktop) return;
    plan.steps.push_back(
        {tr("Give xfce4-notifyd's log back the apps setup kept out of it."), [&ctx] {
             const auto& before = ctx.record->xfce_excluded_before;
             ctx.desktop->setXfceExcluded(before.empty() ? std::nullopt
                                                         : std::make_optional(before));
             ctx.record->xfce_log_excluded = false;
             ctx.record->xfce_excluded_before.clear();
         }});
}

}  // namespace

void planUndo(Context& ctx, Plan& plan) {
    undoXfceLog(ctx, plan);
    undoDunst(ctx, plan);
    undoMako(ctx, plan);
    undoSwaync(ctx, plan);
    undoSwitches(ctx, plan);
    undoDirs(ctx, plan);
}

}  // namespace nocontact::ctl::setup
