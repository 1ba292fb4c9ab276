// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/service.hpp"

#include <unistd.h>

#include <set>
#include <stdexcept>
#include <tuple>

#include "build_info.hpp"
#include "daemon/strings.hpp"
#include "daemon1_adaptor.h"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::daemon {

namespace names = nocontact::dbus::names;

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
        return daemon_.status();
    }

    std::tuple<bool, std::string> Reload() override {
        requireOwner();
        auto result = daemon_.reload();
        return {result.applied, result.message};
    }

    std::vector<DaemonPort::HeldRow> ListHeld() override {
        requireOwner();
        return daemon_.listHeld();
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
        try {
            return daemon_.decide(notification) ? "hold" : "show";
        } catch (const std::invalid_argument& e) {
            throw dbus::sd::error(names::kErrorInvalidArgs, e.what());
        }
    }

    void AppStarted(const std::string& app_id, const uint32_t& pid) override {
        requireOwner();
        daemon_.appStarted(app_id, pid);
    }

    std::vector<DaemonPort::JournalRow> Journal(const int64_t& since) override {
        requireOwner();
        try {
            return daemon_.journal(since);
        } catch (const std::runtime_error& e) {
            throw dbus::sd::error(names::kErrorFailed, e.what());
        }
    }

    std::map<std::string, sdbus::Variant> Stats(const std::string& contact,
                                                const uint32_t& days) override {
        requireOwner();
        try {
            return daemon_.stats(contact, days);
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
