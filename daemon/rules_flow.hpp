// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Keeps the notification server's own rules in step with who is held now, where the person let
// `nocontactctl setup` put them (config/server_rules.hpp), and says which messages they hid.
//
//  - After every change (the policy, a soften or harden, a snooze, a schedule's edge) the
//    rules are written again for the contacts held now and the server told: dunst switches
//    each rule on or off (RuleEnable, live) and re-reads its files only from 1.12 on
//    (otherwise at its next start: new names wait until then); mako and swaync re-read.
//  - A message the rules in force hid was never drawn: it is kept as ever, but taken back
//    without a placeholder (which would itself be drawn), and out of the server's history or
//    list where the server allows.
//  - A message the rules hid while nocontactd was not running is found again in dunst's
//    history or mako's list when it starts, and handed to `recovered`.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/server_rules.hpp"
#include "dbus/observed.hpp"
#include "dbus/server_control.hpp"
#include "dbus/withholder.hpp"
#include "policy/policy.hpp"
#include "policy/profile.hpp"

namespace nocontact::daemon {

class RulesFlow {
  public:
    // Notifications found in the server that its rules hid while nocontactd was away, oldest
    // first.
    using Recovered = std::function<void(const std::vector<dbus::Observed>&)>;
    // The rule shapes of the policy in force (config::ruleShapes): about 0.1 s for 1,000
    // contacts, so asked only when the server in use has rules from setup, and once per policy.
    using Shapes = std::function<std::vector<config::RuleShape>()>;

    RulesFlow(sd_bus* bus, std::filesystem::path state_dir, Recovered recovered, Shapes shapes);
    ~RulesFlow();
    RulesFlow(const RulesFlow&) = delete;
    RulesFlow& operator=(const RulesFlow&) = delete;

    // The server owning org.freedesktop.Notifications changed, or told more about itself.
    void serverChanged(const dbus::ServerInfo& info);
    // A new policy (or new app profiles) is in force: its shapes are asked for again when next
    // needed.
    void policyChanged() { shapes_fresh_ = false; }
    // Who is held now (indexed like the policy's contacts): rules written and applied.
    void update(const std::vector<bool>& held);
    // Whether the rules in force hid this notification (it was never drawn).
    bool hides(const policy::Notification& n) const;
    // A message the rules hid has been dealt with (kept, or shown again): out of the server's
    // history or list, where the server allows, and never recovered again.
    void taken(const dbus::Observed& observed);
    // Whether that message was dealt with already (found again by recovery first).
    bool alreadyTaken(const dbus::Observed& observed) const;

    // For Status: the server whose rules are in use ("" when none), contacts held before the
    // server draws and contacts held only after, and a sentence when something waits.
    struct Report {
        std::string server;
        std::vector<std::string> before, after;
        std::string note;
    };
    Report report(const policy::Policy& policy, const std::vector<bool>& held) const;

    // True where setup put rules for the server in use now.
    bool active() const;

  private:
    // Asks for the policy's shapes unless they are fresh; true when they changed.
    bool refreshShapes();
    void apply();
    void applyDunst(bool file_changed);
    void noteDunstRules();
    void recover();
    void remember(std::uint32_t id);
    void loadMemory();
    void saveMemory() const;

    dbus::ServerControl control_;
    std::filesystem::path memory_file_;
    Recovered recovered_;
    Shapes shapes_of_;
    std::optional<config::RuleServer> kind_;
    std::string owner_, version_;
    bool installed_ = false;
    std::string problem_;  // why the rules could not be written, for Status
    std::vector<config::RuleShape> shapes_;
    bool shapes_fresh_ = false;  // shapes_ are the policy in force's
    std::vector<bool> held_;
    // Per shape: the server hides it now (as far as its answers told).
    std::vector<bool> live_;
    // dunst rules this dunst may know of (written now or earlier): switched off when gone.
    std::set<std::string> dunst_rules_;
    std::uint64_t generation_ = 0;  // bumped by every apply; late answers are ignored
    bool recovered_once_ = false;
    std::set<std::uint32_t> taken_ids_;  // taken from the server in use, this run
    // What was taken from this server already: the bus's id and the server's unique name (one
    // server's life; unique names repeat on another bus), and the highest id taken.
    std::string bus_id_;
    std::string memory_owner_;
    std::uint32_t memory_max_id_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace nocontact::daemon
