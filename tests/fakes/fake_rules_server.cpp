// SPDX-License-Identifier: GPL-3.0-or-later
// A notification server for `nocontactctl setup` tests: it names itself as dunst, mako or
// swaync in GetServerInformation, answers their "read your settings again" calls, and writes
// one line per call it gets to a file, so a test can see what setup asked of it.
//   fake_rules_server NAME VERSION RECORD_FILE [DUNST_DROPIN] [SHOWING]
// As dunst, it knows the rule sections of DUNST_DROPIN as they were when it started or last
// reloaded (ConfigReload, dunst 1.10 and later), like the real one.
#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "dbus/sdbus_compat.hpp"

namespace {

struct Fake {
    std::string name, version, record, dropin;
    std::uint32_t showing = 0;
    std::set<std::string> rules;

    void note(const std::string& what) const {
        std::ofstream(record, std::ios::app) << what << "\n";
    }
    void loadRules() {
        rules.clear();
        std::ifstream in(dropin);
        for (std::string line; std::getline(in, line);) {
            if (line.size() > 2 && line.front() == '[' && line.back() == ']')
                rules.insert(line.substr(1, line.size() - 2));
        }
    }
};

using Variants = std::map<std::string, sdbus::Variant>;

namespace sd = nocontact::dbus::sd;

void addNotifications(sdbus::IObject& o, Fake& f) {
    sd::Interface(o, "org.freedesktop.Notifications")
        .method("GetServerInformation",
                [&f] {
                    f.note("GetServerInformation");
                    return std::make_tuple(f.name, std::string("nocontact tests"), f.version,
                                           std::string("1.2"));
                })
        .method("GetCapabilities", [] { return std::vector<std::string>{"body"}; })
        .method("Notify",
                [&f](const std::string&, std::uint32_t, const std::string&, const std::string&,
                     const std::string&, const std::vector<std::string>&, const Variants&,
                     std::int32_t) {
                    f.note("Notify");
                    return std::uint32_t{1};
                })
        .done();
}

void addDunst(sdbus::IObject& o, Fake& f) {
    sd::Interface dunst(o, "org.dunstproject.cmd0");
    dunst.method("RuleEnable", [&f](const std::string& rule, std::int32_t state) {
        f.note("RuleEnable " + rule + " " + std::to_string(state));
        if (!f.rules.contains(rule)) {
            throw sd::error("org.freedesktop.DBus.Error.InvalidArgs",
                            "There is no rule named \"" + rule + "\"");
        }
    });
    if (f.version.rfind("1.9", 0) != 0) {
        dunst.method("ConfigReload", [&f](const std::vector<std::string>&) {
            f.note("ConfigReload");
            f.loadRules();
        });
    }
    dunst.property("displayedLength", [&f] { return f.showing; })
        .property("waitingLength", [] { return std::uint32_t{0}; })
        .done();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) return 2;
    Fake f{argv[1], argv[2], argv[3], argc > 4 ? argv[4] : "", 0, {}};
    if (argc > 5) f.showing = static_cast<std::uint32_t>(std::stoul(argv[5]));
    f.loadRules();
    auto connection = sdbus::createSessionBusConnection();
    auto server = sd::object(*connection, "/org/freedesktop/Notifications");
    addNotifications(*server, f);
    if (f.name == "dunst") addDunst(*server, f);
    sd::finishObject(*server);
    std::unique_ptr<sdbus::IObject> extra;
    if (f.name == "mako") {
        // mako serves fr.emersion.Mako under org.freedesktop.Notifications only (mako 1.7
        // dbus/dbus.c; makoctl calls it there).
        extra = sd::object(*connection, "/fr/emersion/Mako");
        sd::Interface(*extra, "fr.emersion.Mako")
            .method("Reload", [&f] { f.note("Reload"); })
            .done();
        sd::finishObject(*extra);
    } else if (f.name == "SwayNotificationCenter") {
        extra = sd::object(*connection, "/org/erikreider/swaync/cc");
        sd::Interface(*extra, "org.erikreider.swaync.cc")
            .method("ReloadConfig", [&f] { f.note("ReloadConfig"); })
            .method("NotificationCount", [&f] { return f.showing; })
            .done();
        sd::finishObject(*extra);
        sd::requestName(*connection, "org.erikreider.swaync.cc");
    }
    // The server's own name last: once it is on the bus, everything above answers.
    sd::requestName(*connection, "org.freedesktop.Notifications");
    connection->enterEventLoop();
}
