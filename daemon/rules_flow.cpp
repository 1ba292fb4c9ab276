// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/rules_flow.hpp"

#include <fcntl.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-id128.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "daemon/log.hpp"

namespace nocontact::daemon {

namespace {

// What was last taken from the server, so a restart never keeps a message twice: "OWNER ID".
constexpr const char* kMemoryFile = "server-rules";

std::vector<bool> onlyContact(std::size_t contacts, std::size_t contact) {
    std::vector<bool> v(contacts, false);
    if (contact < contacts) v[contact] = true;
    return v;
}

}  // namespace

RulesFlow::RulesFlow(sd_bus* bus, std::filesystem::path state_dir, Recovered recovered,
                     Shapes shapes)
    : control_(bus),
      memory_file_(state_dir / kMemoryFile),
      recovered_(std::move(recovered)),
      shapes_of_(std::move(shapes)) {
    sd_id128_t id;
    if (sd_bus_get_bus_id(bus, &id) >= 0) {
        char text[SD_ID128_STRING_MAX];
        bus_id_ = sd_id128_to_string(id, text);
    }
    loadMemory();
}

RulesFlow::~RulesFlow() {
    *alive_ = false;
}

bool RulesFlow::active() const {
    return kind_ && installed_ && !owner_.empty();
}

void RulesFlow::serverChanged(const dbus::ServerInfo& info) {
    auto kind = config::ruleServerFor(info.name);
    bool same = info.unique_name == owner_ && kind == kind_;
    if (same && info.version == version_) return;
    ++generation_;  // answers still on their way were about the server before
    if (info.unique_name != owner_) taken_ids_.clear();
    owner_ = info.unique_name;
    version_ = info.version;
    kind_ = info.name.empty() ? std::nullopt : kind;
    installed_ = kind_ && config::rulesInstalled(*kind_, config::serverPaths());
    if (installed_) refreshShapes();
    live_.assign(shapes_.size(), false);  // nothing is known of a new server yet
    if (active() && !held_.empty()) apply();
}

bool RulesFlow::refreshShapes() {
    if (shapes_fresh_) return false;
    auto shapes = shapes_of_();
    shapes_fresh_ = true;  // only once they are known: a throw leaves them to be worked out again
    bool same = shapes.size() == shapes_.size() &&
                std::equal(shapes.begin(), shapes.end(), shapes_.begin(),
                           [](const config::RuleShape& a, const config::RuleShape& b) {
                               return a.contact == b.contact && a.app == b.app &&
                                      a.app_key == b.app_key && a.field == b.field &&
                                      a.text == b.text && a.whole == b.whole;
                           });
    if (!same) shapes_ = std::move(shapes);
    return !same;
}

void RulesFlow::update(const std::vector<bool>& held) {
    // `nocontactctl setup` (or --undo) may have run since: it asks for a reload when done.
    bool installed = kind_ && config::rulesInstalled(*kind_, config::serverPaths());
    // Without rules in the server the shapes would be worked out for nothing.
    bool new_shapes = installed && refreshShapes();
    if (!new_shapes && held == held_ && installed == installed_) return;
    ++generation_;  // answers still on their way were about the rules before
    if (new_shapes || !installed) live_.assign(shapes_.size(), false);
    held_ = held;
    installed_ = installed;
    if (active()) apply();
}

void RulesFlow::apply() {
    ++generation_;
    if (*kind_ == config::RuleServer::Dunst) noteDunstRules();
    bool changed = false;
    try {
        changed = config::updateRules(*kind_, config::serverPaths(), shapes_, held_);
        problem_.clear();
    } catch (const std::exception& e) {
        if (problem_ != e.what())
            log::detail(log::Priority::Warning,
                        "The notification server's rules could not be "
                        "written; messages are withdrawn after they arrive",
                        e.what());
        problem_ = e.what();
    }
    if (*kind_ == config::RuleServer::Dunst) return applyDunst(changed);
    auto generation = generation_;
    auto alive = alive_;
    auto desired = std::vector<bool>(shapes_.size());
    for (std::size_t i = 0; i < shapes_.size(); ++i)
        desired[i] = held_[shapes_[i].contact] && config::shapeRenders(*kind_, shapes_[i]);
    auto done = [this, alive, generation, desired](bool ok, const std::string& error) {
        if (!*alive || generation != generation_) return;
        if (!ok) {
            log::detail(log::Priority::Warning,
                        "The notification server did not re-read nocontact's rules", error);
            return;  // what it had stays what it has
        }
        live_ = desired;
        recover();
    };
    if (!changed || !problem_.empty()) return done(problem_.empty(), problem_);
    control_.reload(config::ruleServerName(*kind_), owner_, done);
}

// dunst: every contact has rules; each is switched on or off live. New rules (names added to
// the policy) are read only by dunst 1.12's ConfigReload, or at dunst's next start.
void RulesFlow::applyDunst(bool file_changed) {
    auto generation = generation_;
    auto alive = alive_;
    auto enable = [this, alive, generation] {
        if (!*alive || generation != generation_) return;
        // Rules dunst may still have from an earlier policy: switched off, so a name taken
        // out of the policy hides nothing any more.
        std::set<std::string> current;
        for (const auto& shape : shapes_)
            current.insert(config::dunstRuleName(shape));
        for (const auto& name : dunst_rules_) {
            if (!current.count(name))
                control_.dunstRuleEnable(owner_, name, false, [](bool, const std::string&) {});
        }
        dunst_rules_.insert(current.begin(), current.end());
        auto pending = std::make_shared<std::size_t>(shapes_.size());
        for (std::size_t i = 0; i < shapes_.size(); ++i) {
            bool on = held_[shapes_[i].contact];
            control_.dunstRuleEnable(
                owner_, config::dunstRuleName(shapes_[i]), on,
                [this, alive, generation, pending, i, on](bool ok, const std::string&) {
                    if (!*alive || generation != generation_ || i >= live_.size()) return;
                    // An error: dunst has no such rule (read before setup, or a name added
                    // since): it cannot hide that shape until it starts again.
                    live_[i] = ok && on;
                    if (--*pending == 0) recover();
                });
        }
        if (shapes_.empty()) recover();
    };
    if (!file_changed) return enable();
    control_.reload("dunst", owner_, [enable](bool, const std::string&) { enable(); });
}

// The contacts' rules a dunst started earlier may have read: every section of the drop-in as it
// is now, but the one for nocontact's own notifications, which stays on (switched off, the
// pause and the person's reasons in it would go to dunst's history).
void RulesFlow::noteDunstRules() {
    std::ifstream in(config::serverPaths().dunst_dropin);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("[nocontact-", 0) != 0 || line.back() != ']') continue;
        std::string name = line.substr(1, line.size() - 2);
        if (name != config::kDunstOwnRule) dunst_rules_.insert(name);
    }
}

bool RulesFlow::hides(const policy::Notification& n) const {
    if (!active() || n.interface != policy::Interface::Fdo) return false;
    for (std::size_t i = 0; i < shapes_.size() && i < live_.size(); ++i) {
        if (!live_[i]) continue;
        if (config::rulesHide(*kind_, {shapes_[i]}, onlyContact(held_.size(), shapes_[i].contact),
                              n))
            return true;
    }
    return false;
}

void RulesFlow::taken(const dbus::Observed& observed) {
    if (!active() || observed.fdo_id == 0) return;
    taken_ids_.insert(observed.fdo_id);
    remember(observed.fdo_id);
    // swaync drops what its rule ignores; dunst keeps it in its history, mako in its list.
    if (*kind_ == config::RuleServer::Swaync) return;
    control_.drop(config::ruleServerName(*kind_), owner_, observed.fdo_id,
                  [](bool, const std::string&) {
                      // dunst 1.9 cannot take a notification out of its history: it stays
                      // there until dunst restarts (Status says so).
                  });
}

bool RulesFlow::alreadyTaken(const dbus::Observed& observed) const {
    return observed.fdo_id != 0 && observed.server == owner_ && taken_ids_.count(observed.fdo_id);
}

// Once, when nocontactd starts: what the rules hid while it was not running. Only what came
// after the last message taken from this very server (read before asking: one taken meanwhile
// must not hide older ones), nothing taken since, and only what the rules hid: on dunst, what
// they marked with their category (its history also has messages shown, or withdrawn after
// they were drawn); on mako, what the rules hide now (its list also has messages on screen).
void RulesFlow::recover() {
    if (recovered_once_ || !active() || *kind_ == config::RuleServer::Swaync) return;
    recovered_once_ = true;
    auto alive = alive_;
    std::string owner = owner_;
    std::uint32_t after = memory_owner_ == bus_id_ + owner ? memory_max_id_ : 0;
    control_.list(
        config::ruleServerName(*kind_), owner_,
        [this, alive, owner, after](bool ok, std::vector<dbus::ServerNotification> list) {
            if (!*alive || !ok || owner != owner_ || !active()) return;
            const bool dunst = *kind_ == config::RuleServer::Dunst;
            std::vector<bool> all(held_.size(), true);
            std::vector<dbus::Observed> found;
            // Oldest first, as they came.
            std::sort(list.begin(), list.end(),
                      [](const auto& a, const auto& b) { return a.id < b.id; });
            for (const auto& s : list) {
                if (s.id <= after || taken_ids_.count(s.id)) continue;
                if (dunst && s.category != config::kDunstHeldCategory) continue;
                dbus::Observed o;
                o.notification.app_name = s.app_name;
                o.notification.summary = s.summary;
                o.notification.body = s.body;
                o.fdo_id = s.id;
                o.server = owner;
                if (config::rulesHide(*kind_, shapes_, dunst ? all : held_, o.notification))
                    found.push_back(std::move(o));
            }
            if (!found.empty()) recovered_(found);
        });
}

RulesFlow::Report RulesFlow::report(const policy::Policy& policy,
                                    const std::vector<bool>& held) const {
    Report r;
    if (!active()) return r;
    r.server = config::ruleServerName(*kind_);
    for (std::size_t c = 0; c < policy.contacts.size() && c < held.size(); ++c) {
        if (!held[c]) continue;
        bool before = false;
        for (std::size_t i = 0; i < shapes_.size() && i < live_.size(); ++i)
            before = before || (shapes_[i].contact == c && live_[i]);
        (before ? r.before : r.after).push_back(policy.contacts[c].name);
    }
    r.note = problem_;
    return r;
}

void RulesFlow::remember(std::uint32_t id) {
    if (memory_owner_ != bus_id_ + owner_) {
        memory_owner_ = bus_id_ + owner_;
        memory_max_id_ = 0;
    }
    if (id <= memory_max_id_) return;
    memory_max_id_ = id;
    saveMemory();
}

void RulesFlow::loadMemory() {
    std::ifstream in(memory_file_);
    in >> memory_owner_ >> memory_max_id_;
    if (!in) {
        memory_owner_.clear();
        memory_max_id_ = 0;
    }
}

void RulesFlow::saveMemory() const {
    // Small and replaced whole: a crash leaves the old one or the new one.
    std::string tmp = memory_file_.string() + ".new";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;  // a full or read-only disk: at worst a message is kept twice
    std::string line = memory_owner_ + " " + std::to_string(memory_max_id_) + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = ::close(fd) == 0 && ok;
    if (ok) std::rename(tmp.c_str(), memory_file_.c_str());
}

}  // namespace nocontact::daemon
