// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/service.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "build_info.hpp"
#include "daemon/strings.hpp"
#include "daemon1_adaptor.h"
#include "dbus/decide_request.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"
#include "policy/level.hpp"
#include "policy/time.hpp"

namespace nocontact::daemon {

namespace names = nocontact::dbus::names;

namespace {

using Dict = std::map<std::string, sdbus::Variant>;

std::uint32_t u32(int n) {
    return static_cast<std::uint32_t>(n);
}

void encodeJournal(const JournalStatus& j, Dict& s) {
    using Place = JournalStatus::Place;
    s["journal"] = sdbus::Variant(std::string(j.place == Place::None     ? "none"
                                              : j.place == Place::Memory ? "memory"
                                                                         : "disk"));
    s["journal_trouble"] = sdbus::Variant(j.trouble);
    s["kept_in_memory"] = sdbus::Variant(j.kept_in_memory);
    s["journal_set_aside"] = sdbus::Variant(j.set_aside);
}

// Status's rows, in the XML's struct signatures.
void encodeRows(const DaemonStatus& status, Dict& s) {
    std::vector<sdbus::Struct<std::string, std::string, std::string>> levels;
    for (const auto& row : status.levels)
        levels.emplace_back(row.contact, std::string(policy::levelName(row.level)), row.why);
    s["levels"] = sdbus::Variant(levels);
    std::vector<sdbus::Struct<std::string, std::uint32_t>> held;
    for (const auto& row : status.held_by_contact)
        held.emplace_back(row.contact, row.count);
    s["held_by_contact"] = sdbus::Variant(held);
    std::vector<sdbus::Struct<std::string, std::string>> not_followed;
    for (const auto& row : status.not_followed)
        not_followed.emplace_back(row.source, row.why);
    s["not_followed"] = sdbus::Variant(not_followed);
    std::vector<sdbus::Struct<std::string, std::int64_t>> days;
    for (const auto& row : status.day_counts)
        days.emplace_back(row.contact, row.day.value_or(-1));
    s["day_counts"] = sdbus::Variant(days);
}

Dict encode(const DaemonStatus& status) {
    Dict s;
    s["version"] = sdbus::Variant(status.version);
    s["policy_file"] = sdbus::Variant(status.policy_file);
    s["policy_loaded"] = sdbus::Variant(status.policy_loaded);
    s["policy_message"] = sdbus::Variant(status.policy_message);
    s["policy_last_good"] = sdbus::Variant(status.policy_last_good);
    s["contacts"] = sdbus::Variant(status.contacts);
    s["dry_run"] = sdbus::Variant(status.dry_run);
    s["pause_seconds"] = sdbus::Variant(status.pause_seconds);
    s["withholding"] = sdbus::Variant(status.withholding);
    s["withheld"] = sdbus::Variant(status.withheld);
    s["refused"] = sdbus::Variant(status.refused);
    s["held"] = sdbus::Variant(status.held);
    s["failed"] = sdbus::Variant(status.failed);
    s["unkept"] = sdbus::Variant(status.unkept);
    s["unanswerable"] = sdbus::Variant(status.unanswerable);
    encodeJournal(status.journal, s);
    encodeRows(status, s);
    s["changed_levels"] = sdbus::Variant(status.changed_levels);
    s["freezer"] = sdbus::Variant(status.freezer);
    s["phones"] = sdbus::Variant(status.phones);
    s["phone_problems"] = sdbus::Variant(status.phone_problems);
    s["snoozed_until"] = sdbus::Variant(
        status.snoozed_until ? policy::unixSeconds(*status.snoozed_until) : std::int64_t{0});
    if (const auto& server = status.server) {
        s["server_name"] = sdbus::Variant(server->name);
        s["server_vendor"] = sdbus::Variant(server->vendor);
        s["server_version"] = sdbus::Variant(server->version);
        s["server_capabilities"] = sdbus::Variant(server->capabilities);
        s["withdrawal"] = sdbus::Variant(server->withdrawal);
    }
    if (const auto& rules = status.rules) {
        s["rules_server"] = sdbus::Variant(rules->server);
        s["held_before_drawing"] = sdbus::Variant(rules->before);
        s["held_after_drawing"] = sdbus::Variant(rules->after);
        s["rules_problem"] = sdbus::Variant(rules->problem);
    }
    if (const auto& monitor = status.monitor) {
        s["seen"] = sdbus::Variant(monitor->seen);
        s["malformed"] = sdbus::Variant(monitor->malformed);
        s["monitor_restarts"] = sdbus::Variant(monitor->restarts);
    }
    return s;
}

Dict encode(const Stats& st) {
    Dict out;
    out["contact"] = sdbus::Variant(st.contact);
    out["days"] = sdbus::Variant(static_cast<std::uint32_t>(st.per_day.size()));
    out["first_day"] = sdbus::Variant(
        st.per_day.empty() ? std::string() : policy::formatDate(st.per_day.front().day));
    std::vector<sdbus::Struct<std::string, std::uint32_t, std::uint32_t>> per_day;
    for (const auto& d : st.per_day)
        per_day.emplace_back(policy::formatDate(d.day), u32(d.messages), u32(d.reached));
    out["per_day"] = sdbus::Variant(per_day);
    std::vector<sdbus::Struct<std::string, std::int64_t, std::int64_t>> streaks;
    for (const auto& s : st.streaks) {
        streaks.emplace_back(
            s.contact, s.day ? std::int64_t{*s.day} : std::int64_t{-1},
            s.last_reached ? policy::unixSeconds(*s.last_reached) : std::int64_t{0});
    }
    out["streaks"] = sdbus::Variant(streaks);
    out["honoured"] = sdbus::Variant(u32(st.honoured));
    out["overridden"] = sdbus::Variant(u32(st.overridden));
    out["read"] = sdbus::Variant(u32(st.read));
    out["later"] = sdbus::Variant(u32(st.later));
    out["let_go"] = sdbus::Variant(u32(st.let_go));
    out["opened_anyway"] = sdbus::Variant(u32(st.opened_anyway));
    return out;
}

using HeldRow = sdbus::Struct<std::int64_t, std::string, std::string, std::int64_t, std::string>;

const char* stateName(HeldState state) {
    switch (state) {
        case HeldState::Held:
            return "held";
        case HeldState::Later:
            return "later";
        case HeldState::Read:
        case HeldState::LetGo:
            break;
    }
    return "let_go";
}

using JournalRow =
    sdbus::Struct<std::int64_t, std::string, std::string, std::map<std::string, std::string>>;

const char* whatName(JournalEntry::What what) {
    switch (what) {
        case JournalEntry::What::Event:
            return "event";
        case JournalEntry::What::Choice:
            return "choice";
        case JournalEntry::What::Note:
            break;
    }
    return "note";
}

}  // namespace

bool callerAllowed(uid_t caller, uid_t owner) {
    // (uid_t)-1 is what an unknown uid looks like: never let it through.
    return caller != static_cast<uid_t>(-1) && caller == owner;
}

// The object itself: the generated adaptor's virtuals are the thin edges — check the caller,
// ask the daemon, encode. Nothing here decides anything.
struct Service::Impl : sdbus::AdaptorInterfaces<org::nocontact::Daemon1_adaptor> {
    Impl(sdbus::IConnection& connection, DaemonPort& daemon)
        : AdaptorInterfaces(connection, dbus::sd::path(names::kPath)), daemon_(daemon) {
        registerAdaptor();
        std::string rule = std::string("type='signal',sender='") + names::kBusService +
                           "',interface='" + names::kBusInterface + "',member='NameOwnerChanged'";
        gone_ = dbus::sd::addMatch(connection, rule, [this](sdbus::Message& m) {
            std::string name, old_owner, new_owner;
            m >> name >> old_owner >> new_owner;
            if (new_owner.empty()) subscribers_.erase(name);
        });
    }
    ~Impl() { unregisterAdaptor(); }

    void Subscribe() override {
        requireOwner();
        std::string sender = dbus::sd::currentSender(getObject());
        if (!sender.empty()) subscribers_.insert(sender);
    }

    // Each signal goes to the person's own subscribed connections, one by one.
    template <typename... Args>
    void emitToSubscribers(const char* member, const Args&... args) {
        for (const auto& subscriber : subscribers_) {
            auto signal = dbus::sd::createSignal(getObject(), names::kInterface, member);
            (signal << ... << args);
            signal.setDestination(subscriber);
            signal.send();
        }
    }

    std::map<std::string, sdbus::Variant> Status() override {
        requireOwner();
        return encode(daemon_.status());
    }

    std::tuple<bool, std::string> Reload() override {
        requireOwner();
        auto result = daemon_.reload();
        return {result.applied, result.message};
    }

    std::vector<HeldRow> ListHeld() override {
        requireOwner();
        std::vector<HeldRow> rows;
        for (const auto& m : daemon_.listHeld())
            rows.emplace_back(m.id, m.contact, m.app, policy::unixSeconds(m.received),
                              std::string(stateName(m.state)));
        return rows;
    }

    std::tuple<std::string, std::string, std::string> ReadHeld(const int64_t& id) override {
        requireOwner();
        auto message = daemon_.readHeld(id);
        if (!message)
            throw dbus::sd::error(names::kErrorNotFound, i18n::tr(strings::kNoSuchMessage));
        return {message->app, message->summary, message->body};
    }

    void LetGo(const int64_t& id) override {
        requireOwner();
        if (!daemon_.letGo(id)) {
            throw dbus::sd::error(names::kErrorNotFound, i18n::tr(strings::kNoSuchMessage));
        }
    }

    void KeepForLater(const int64_t& id) override {
        requireOwner();
        if (!daemon_.keepForLater(id)) {
            throw dbus::sd::error(names::kErrorNotFound, i18n::tr(strings::kNoSuchMessage));
        }
    }

    std::map<std::string, sdbus::Variant> PauseFor(const std::string& contact) override {
        requireOwner();
        auto pause = daemon_.pauseFor(contact);
        if (!pause) throw dbus::sd::error(names::kErrorNotFound, strings::unknownContact(contact));
        return {{"day", sdbus::Variant(pause->day)},
                {"reason", sdbus::Variant(pause->reason)},
                {"seconds", sdbus::Variant(pause->seconds)}};
    }

    std::string ChangeLevel(const std::string& change, const std::string& contact,
                            const std::string& to, const uint64_t& seconds,
                            const std::string& note) override {
        requireOwner();
        try {
            return daemon_.changeLevel({change, contact, to, note, seconds});
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        }
    }

    std::string ResetLevel(const std::string& contact) override {
        requireOwner();
        try {
            return daemon_.resetLevel(contact);
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        }
    }

    std::string EndSnooze() override {
        requireOwner();
        try {
            return daemon_.endSnooze();
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        }
    }

    void AddNote(const std::string& contact, const std::string& text) override {
        requireOwner();
        try {
            daemon_.addNote(contact, text);
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        }
    }

    std::string Decide(const std::map<std::string, sdbus::Variant>& notification) override {
        requireOwner();
        auto decoded = dbus::decodeDecideRequest(notification);
        if (const auto* problem = std::get_if<std::string>(&decoded)) {
            throw dbus::sd::error(names::kErrorInvalidArgs,
                                  "This is not a notification nocontact can read: " + *problem);
        }
        return daemon_.decide(std::get<dbus::DecideRequest>(decoded)) ? "hold" : "show";
    }

    void AppStarted(const std::string& app_id, const uint32_t& pid) override {
        requireOwner();
        daemon_.appStarted(app_id, pid);
    }

    std::vector<JournalRow> Journal(const int64_t& since) override {
        requireOwner();
        try {
            std::vector<JournalRow> rows;
            for (auto& entry : daemon_.journal(policy::SysTime{std::chrono::seconds(since)}))
                rows.emplace_back(policy::unixSeconds(entry.time),
                                  std::string(whatName(entry.what)), entry.contact,
                                  std::move(entry.details));
            return rows;
        } catch (const std::runtime_error& e) {
            throw dbus::sd::error(names::kErrorFailed, e.what());
        }
    }

    std::map<std::string, sdbus::Variant> Stats(const std::string& contact,
                                                const uint32_t& days) override {
        requireOwner();
        try {
            return encode(daemon_.stats(contact, days));
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        } catch (const std::runtime_error& e) {
            throw dbus::sd::error(names::kErrorFailed, e.what());
        }
    }

    // Not checked: sdbus-c++ 1.2 hands a property getter no access to the Get call (the
    // "currently processed message" is only recorded for method calls), and the version is
    // no secret — the installed binary tells anyone.
    std::string Version() override { return NOCONTACT_VERSION; }

    // Refuses anyone but the user who runs the daemon. The sender's uid comes from the bus
    // (sd_bus_query_sender_creds asks dbus-daemon's GetConnectionCredentials: the message
    // itself carries no credentials), so it cannot be forged by the caller.
    void requireOwner() const {
        uid_t caller = dbus::sd::currentSenderUid(getObject());
        if (!callerAllowed(caller, getuid())) {
            throw dbus::sd::error(names::kErrorAccessDenied, i18n::tr(strings::kOnlyTheOwner));
        }
    }

    DaemonPort& daemon_;
    std::set<std::string> subscribers_;  // unique names
    sdbus::Slot gone_;
};

Service::Service(sdbus::IConnection& connection, DaemonPort& daemon)
    : impl_(std::make_unique<Impl>(connection, daemon)) {}

Service::~Service() = default;

void Service::emitIntervened(const std::string& contact, const std::string& app,
                             const std::string& kind, const std::string& level,
                             const std::string& action) {
    impl_->emitToSubscribers("Intervened", contact, app, kind, level, action);
}

void Service::emitPolicyReloaded(bool applied, const std::string& message) {
    impl_->emitToSubscribers("PolicyReloaded", applied, message);
}

}  // namespace nocontact::daemon
